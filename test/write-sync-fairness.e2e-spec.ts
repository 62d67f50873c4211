import { setTimeout as sleep } from 'node:timers/promises';
import { Organization } from '../src/organizations/entities/organization.entity';
import { PemsRequestLogEntry } from '../src/pems-simulator/pems-request.log';
import { TestUser } from './support/fixtures';
import { ForeignLoad, checkUnlessMachineBusy } from './support/machine-load';
import { SIM_TENANT, connectToSimulator, expectWithinRateLimit, maxRequestsInAnySecond } from './support/pems-simulator-fixture';
import { WriteSyncHarness } from './support/write-sync-harness';

/** Each PEMS tenant's limit, in the simulator and in the product (the default). */
const LIMIT = 10;
const BACKLOG = 400;
const FEW = 10;
/** The two small organizations queue this long after the backlog's POST answered. */
const QUEUED_LATER_MS = 3000;
/** The promises: from its POST's answer to all its edits synced. */
const OTHER_TENANT_WITHIN_MS = 3000;
const SAME_TENANT_WITHIN_MS = 6000;
/** Nothing waits longer than this for the whole scenario to finish; today it takes about 45 s. */
const SCENARIO_CAP_MS = 90_000;

/** The second PEMS tenant: the same simulator (base URL), another tenant, its own credentials and its own limit. */
const OTHER_TENANT = 'OTHER_TENANT';
const OTHER_TENANT_CREDENTIALS = { username: 'svc-other', password: 'another-pems-password' };

/** One organization of the scenario: who it is, what it queued, and when it was served. */
interface Participant {
  code: string;
  tenant: string;
  organization: Organization;
  planner: TestUser;
  modificationIds: string[];
  /** Date.now() when its POST /api/pems/write-sync answered. */
  queuedAt: number;
  /** Date.now() when all its edits were first seen synced; null if not within SCENARIO_CAP_MS. */
  allSyncedAt: number | null;
  /** Its modifications' statuses when the scenario ended: status -> count. */
  finalStatuses: Record<string, number>;
}

/**
 * SPEC §7 "Sharing PEMS" and §9: one organization's backlog delays no other tenant and shares
 * its own tenant fairly. RIO queues 400 edits on tenant TEST_TENANT; 3 s later LIS (same tenant)
 * and OSL (another tenant of the same PEMS) queue 10 each. OSL's are synced within 3 s, LIS's
 * within 6 s, while the tenant keeps receiving at least 95 % of its limit and no tenant ever
 * receives more than its limit in a second. Without fairness, both wait behind the 400 (~40 s).
 */
describe('write sync: fairness between organizations and tenants (e2e)', () => {
  let h: WriteSyncHarness;
  let machine: ForeignLoad;
  let rio: Participant;
  let lisbon: Participant;
  let oslo: Participant;
  /** The simulator's log of the scenario (every request, both tenants), in arrival order. */
  let log: PemsRequestLogEntry[];

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
    await h.reset(BACKLOG);
    // The simulator's reset forgets every tenant but the harness's: the second one is added after it.
    h.simulator.setCredentials(OTHER_TENANT, OTHER_TENANT_CREDENTIALS);
    rio = { ...emptyRun('RIO', SIM_TENANT), organization: h.rio, planner: h.planner };
    lisbon = await joinSimulator('LIS', SIM_TENANT, {});
    oslo = await joinSimulator('OSL', OTHER_TENANT, { tenant: OTHER_TENANT, ...OTHER_TENANT_CREDENTIALS });
    for (const participant of [rio, lisbon, oslo]) participant.modificationIds = await pendingEditOfEveryRecord(participant);
    h.simulator.clearLog();

    machine = ForeignLoad.measure();
    const deadline = Date.now() + SCENARIO_CAP_MS;
    await queue(rio, BACKLOG);
    await sleep(Math.max(0, rio.queuedAt + QUEUED_LATER_MS - Date.now()));
    await Promise.all([queue(lisbon, FEW), queue(oslo, FEW)]);
    await watchUntilAllSynced([rio, lisbon, oslo], deadline);
    for (const participant of [rio, lisbon, oslo]) participant.finalStatuses = await statusesOf(participant);
    log = h.simulator.getLog().sort((a, b) => a.at - b.at);

    const drain = tenantDrain();
    process.stdout.write(
      `\nFairness: ${oslo.code} (${OTHER_TENANT}) ${FEW} edits synced ${describeWait(oslo)}, ${lisbon.code} (${SIM_TENANT}) ${FEW} edits synced ${describeWait(lisbon)}, ` +
        `queued ${QUEUED_LATER_MS / 1000} s into ${rio.code}'s ${BACKLOG} (all synced ${describeWait(rio)}); ` +
        `${SIM_TENANT} received ${drain.count} UPDATEs at ${drain.rate.toFixed(2)}/s (${((drain.rate / LIMIT) * 100).toFixed(1)} % of its limit); ` +
        `most in any second: ${[SIM_TENANT, OTHER_TENANT].map((tenant) => `${tenant} ${maxRequestsInAnySecond(requestsOf(tenant))}`).join(', ')}\n`,
    );
  }, SCENARIO_CAP_MS + 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  it(`an organization on another PEMS tenant has its ${FEW} edits synced within ${OTHER_TENANT_WITHIN_MS / 1000} s, whatever the backlog on the busy tenant`, () => {
    expect(lateness(oslo, OTHER_TENANT_WITHIN_MS, `another PEMS tenant than ${rio.code}`)).toBeNull();
  });

  it(`an organization on the busy tenant has its ${FEW} edits synced within ${SAME_TENANT_WITHIN_MS / 1000} s: it takes turns with the backlog`, () => {
    expect(lateness(lisbon, SAME_TENANT_WITHIN_MS, `the same PEMS tenant as ${rio.code}`)).toBeNull();
  });

  it(`the busy tenant still receives at least 95 % of its limit while ${BACKLOG} edits drain`, () => {
    const drain = tenantDrain();
    checkUnlessMachineBusy(machine, `${SIM_TENANT}'s drain rate while other organizations are served`, () => {
      const slow =
        drain.rate >= 0.95 * LIMIT
          ? null
          : `${SIM_TENANT} received ${drain.count} UPDATEs at ${drain.rate.toFixed(2)}/s over ${(drain.spanMs / 1000).toFixed(1)} s: ` +
            `${((drain.rate / LIMIT) * 100).toFixed(1)} % of its ${LIMIT}/s limit (promised: at least 95 %)`;
      expect(slow).toBeNull();
    });
  });

  it('no tenant receives more than its limit in any one second', () => {
    for (const tenant of [SIM_TENANT, OTHER_TENANT]) expectWithinRateLimit(requestsOf(tenant), LIMIT, `tenant ${tenant}`);
  });

  it('every edit reaches PEMS exactly once and ends synced', () => {
    for (const participant of [rio, lisbon, oslo]) {
      expect({ organization: participant.code, statuses: participant.finalStatuses }).toEqual({
        organization: participant.code,
        statuses: { synced: participant.modificationIds.length },
      });
    }
    const sends = new Map<string, number[]>();
    for (const entry of log.filter((request) => request.action === 'UPDATE')) {
      const key = `${entry.organization} ${entry.pfaId}`;
      sends.set(key, [...(sends.get(key) ?? []), entry.status ?? 0]);
    }
    const notOnceAccepted = [...sends].filter(([, statuses]) => statuses.length !== 1 || statuses[0] !== 200).map(([key, statuses]) => `${key}: ${statuses.join(', ')}`);
    expect(notOnceAccepted).toEqual([]);
    expect(sends.size).toBe(BACKLOG + 2 * FEW);
  });

  function emptyRun(code: string, tenant: string): Omit<Participant, 'organization' | 'planner'> {
    return { code, tenant, modificationIds: [], queuedAt: 0, allSyncedAt: null, finalStatuses: {} };
  }

  /** A new organization, its planner, FEW records in the simulator, its API server on `tenant`, and its mirror read-synced. */
  async function joinSimulator(code: string, tenant: string, serverOverrides: Record<string, unknown>): Promise<Participant> {
    const organization = await h.fixtures.organization(code);
    const planner = await h.fixtures.user(`${code.toLowerCase()}-planner`, [[organization, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
    h.simulator.seed(code, FEW, { seed: 5 });
    await connectToSimulator(h.testApp, organization, h.baseUrl, serverOverrides);
    await h.http().post('/api/pems/read-sync').set(h.as(planner)).send({ organizationId: organization.id }).expect(200);
    return { ...emptyRun(code, tenant), organization, planner };
  }

  /** A pending edit of each of the organization's records, made in the database (400 edits through the API would take longer than the scenario). */
  async function pendingEditOfEveryRecord(participant: Participant): Promise<string[]> {
    const rows: Array<{ id: string }> = await h.dataSource.query(
      `INSERT INTO pfa_modification (organization_id, record_id, user_id, changes, base_values, base_version, status)
       SELECT organization_id, id, $2, jsonb_build_object('model', pfa_id || ' ' || $3), jsonb_build_object('model', data->'model'), version, 'pending'
       FROM pfa_records WHERE organization_id = $1
       RETURNING id`,
      [participant.organization.id, participant.planner.user.id, participant.code],
    );
    return rows.map((row) => row.id);
  }

  /** POST /api/pems/write-sync for the organization, as its planner; notes when it answered. */
  async function queue(participant: Participant, expected: number): Promise<void> {
    const response = await h.http().post('/api/pems/write-sync').set(h.as(participant.planner)).send({ organizationId: participant.organization.id });
    participant.queuedAt = Date.now();
    if (response.status !== 200 || response.body.queuedCount !== expected) {
      throw new Error(`${participant.code}'s write-sync answered ${response.status}, expected ${expected} queued: ${JSON.stringify(response.body)}`);
    }
  }

  /** Polls until each participant's edits are all synced, noting when each got there; gives up quietly at `deadline`. */
  async function watchUntilAllSynced(participants: Participant[], deadline: number): Promise<void> {
    const waiting = new Set(participants);
    while (waiting.size > 0 && Date.now() < deadline) {
      const rows: Array<{ organization_id: string; synced: number }> = await h.dataSource.query(
        `SELECT organization_id, count(*)::int AS synced FROM pfa_modification WHERE organization_id = ANY($1) AND status = 'synced' GROUP BY organization_id`,
        [[...waiting].map((participant) => participant.organization.id)],
      );
      const seenAt = Date.now();
      for (const participant of [...waiting]) {
        const synced = rows.find((row) => row.organization_id === participant.organization.id)?.synced ?? 0;
        if (synced === participant.modificationIds.length) {
          participant.allSyncedAt = seenAt;
          waiting.delete(participant);
        }
      }
      await sleep(25);
    }
  }

  async function statusesOf(participant: Participant): Promise<Record<string, number>> {
    const rows: Array<{ status: string; count: number }> = await h.dataSource.query(
      'SELECT status, count(*)::int AS count FROM pfa_modification WHERE organization_id = $1 GROUP BY status ORDER BY status',
      [participant.organization.id],
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  function requestsOf(tenant: string): PemsRequestLogEntry[] {
    return log.filter((entry) => entry.tenant === tenant);
  }

  /** The busy tenant's UPDATEs (RIO's and LIS's), first to last: (n - 1) over the time between them. */
  function tenantDrain(): { count: number; spanMs: number; rate: number } {
    const updates = requestsOf(SIM_TENANT).filter((entry) => entry.action === 'UPDATE');
    if (updates.length < 2) return { count: updates.length, spanMs: 0, rate: 0 };
    const spanMs = updates[updates.length - 1].at - updates[0].at;
    return { count: updates.length, spanMs, rate: (updates.length - 1) / (spanMs / 1000) };
  }

  function describeWait(participant: Participant): string {
    if (participant.allSyncedAt === null) return `not within ${SCENARIO_CAP_MS / 1000} s`;
    return `${((participant.allSyncedAt - participant.queuedAt) / 1000).toFixed(2)} s after queueing`;
  }

  /** What a planner of `participant` notices when its edits were not all synced within `promisedMs`; null when they were. */
  function lateness(participant: Participant, promisedMs: number, where: string): string | null {
    const promise = `(${participant.code} is on ${where}; promised: within ${promisedMs / 1000} s)`;
    if (participant.allSyncedAt === null) {
      return `${participant.code}'s ${participant.modificationIds.length} edits were still not all synced ${SCENARIO_CAP_MS / 1000} s after ${rio.code}'s ${BACKLOG} were queued ${promise}`;
    }
    const waitedMs = participant.allSyncedAt - participant.queuedAt;
    if (waitedMs <= promisedMs) return null;
    return `${participant.code}'s ${participant.modificationIds.length} edits waited ${(waitedMs / 1000).toFixed(1)} s behind ${rio.code}'s ${BACKLOG} ${promise}`;
  }
});
