import { PemsSimulatorOptions } from '../../src/pems-simulator/pems-simulator';
import { PemsRequestLogEntry } from '../../src/pems-simulator/pems-request.log';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { Organization } from '../../src/organizations/entities/organization.entity';
import { RateLimitReading, mostInAnySecond, readRateLimit } from '../../src/pems-simulator/rate-limit-reading';
import { TestApp } from './test-app';
import { ThreadedPemsSimulator } from './threaded-simulator';
import { noteUndecided } from './undecided-measurements';

export const SIM_TENANT = 'TEST_TENANT';
export const SIM_CREDENTIALS = { username: 'svc-test', password: 's3cret-pems-password' };

/**
 * A PEMS simulator on loopback, in a thread of its own (threaded-simulator.ts), with the tenant
 * and credentials the tests' API servers use.
 */
export async function startSimulator(options: PemsSimulatorOptions = {}): Promise<{ simulator: ThreadedPemsSimulator; baseUrl: string }> {
  const simulator = new ThreadedPemsSimulator({ tenants: { [SIM_TENANT]: SIM_CREDENTIALS }, rateLimitPerSecond: 10, ...options });
  const { baseUrl } = await simulator.start(0, '127.0.0.1');
  return { simulator, baseUrl };
}

/** Points the organization's API server at the simulator. */
export async function connectToSimulator(testApp: TestApp, organization: Organization, baseUrl: string, overrides: Record<string, unknown> = {}) {
  await testApp.app.get(OrganizationsService).upsertApiServer(organization.id, {
    name: 'PEMS simulator',
    baseUrl,
    tenant: SIM_TENANT,
    authType: 'basic',
    ...SIM_CREDENTIALS,
    writeEnabled: true,
    rateLimitPerSecond: 10,
    ...overrides,
  });
}

/**
 * Fails when the log shows for certain more than `limit` requests within one second; when it
 * cannot tell (the simulator was too busy to time arrivals closely enough), says so loudly
 * instead of passing or failing by luck.
 */
export function expectWithinRateLimit(entries: Array<Pick<PemsRequestLogEntry, 'at' | 'atUncertaintyMs'>>, limit = 10, what = 'the requests'): RateLimitReading {
  const reading = readRateLimit(entries, limit);
  if (!reading.conclusive) {
    noteUndecided(
      `RATE LIMIT NOT MEASURABLE for ${what}: ${reading.possibleBreaches} window(s) of ${limit + 1} requests may or may not fall within one second; ` +
        `the simulator may have read arrivals up to ${reading.worstUncertaintyMs.toFixed(1)} ms late (most recorded in a second: ${reading.most}).`,
    );
  }
  expect({ what, certainBreaches: reading.certainBreaches }).toEqual({ what, certainBreaches: 0 });
  return reading;
}

/** The most requests that arrived within any one second (a sliding window over the arrival times). */
export function maxRequestsInAnySecond(entries: Pick<PemsRequestLogEntry, 'at'>[]): number {
  return mostInAnySecond(entries.map((entry) => entry.at));
}
