import { PemsSimulator } from '../../src/pems/simulator/pems-simulator';
import { PemsRequestLogEntry } from '../../src/pems/simulator/pems-request.log';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { Organization } from '../../src/organizations/entities/organization.entity';
import { TestApp } from './test-app';

export const SIM_TENANT = 'TEST_TENANT';
export const SIM_CREDENTIALS = { username: 'svc-test', password: 's3cret-pems-password' };

/** A PEMS simulator on loopback, with the tenant and credentials the tests' API servers use. */
export async function startSimulator(options: ConstructorParameters<typeof PemsSimulator>[0] = {}) {
  const simulator = new PemsSimulator({ tenants: { [SIM_TENANT]: SIM_CREDENTIALS }, rateLimitPerSecond: 10, ...options });
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

/** The most requests that arrived within any one second (a sliding window over the arrival times). */
export function maxRequestsInAnySecond(entries: Pick<PemsRequestLogEntry, 'at'>[]): number {
  const times = entries.map((entry) => entry.at).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end] - times[start] >= 1000) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
