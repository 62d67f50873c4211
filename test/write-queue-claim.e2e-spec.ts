import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { Organization } from '../src/organizations/entities/organization.entity';
import { WriteQueueService } from '../src/write-queue/write-queue.service';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { SIM_CREDENTIALS } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';

const PEMS = 'http://127.0.0.1:9/axis/restservices';

/**
 * How one claim shares PEMS (docs/write-sync.md, "Sharing PEMS"), claim by claim with no worker
 * running: a tenant gives at most its room, retries go first, then the organizations on a
 * tenant take turns by their items in flight, and within an organization priority and age decide.
 */
describe('the claim shares PEMS between tenants and organizations (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let queue: WriteQueueService;
  let planner: TestUser;
  const orgs: Record<'rio' | 'lis' | 'osl', Organization> = {} as never;
  const tenantOf: Record<string, string> = {};

  beforeAll(async () => {
    testApp = await createTestApp({ ENABLE_PEMS_WRITE_SYNC: 'false' });
    fixtures = new Fixtures(testApp);
    queue = testApp.app.get(WriteQueueService);
  });
  afterAll(async () => {
    await testApp.close();
  });

  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    await testApp.dataSource.query('DELETE FROM pems_rate_limits');
    orgs.rio = await fixtures.organization('RIO');
    orgs.lis = await fixtures.organization('LIS');
    orgs.osl = await fixtures.organization('OSL');
    planner = await fixtures.user('planner', [
      [orgs.rio, ['perm_Read', 'perm_Edit', 'perm_Sync']],
      [orgs.lis, ['perm_Read', 'perm_Edit', 'perm_Sync']],
      [orgs.osl, ['perm_Read', 'perm_Edit', 'perm_Sync']],
    ]);
    // RIO and LIS share tenant T; OSL is alone on tenant U.
    for (const [organization, tenant] of [
      [orgs.rio, 'T'],
      [orgs.lis, 'T'],
      [orgs.osl, 'U'],
    ] as const) {
      await testApp.app.get(OrganizationsService).upsertApiServer(organization.id, {
        name: 'PEMS',
        baseUrl: PEMS,
        tenant,
        authType: 'basic',
        ...SIM_CREDENTIALS,
        writeEnabled: true,
      });
      const [{ tenant_key }]: Array<{ tenant_key: string }> = await testApp.dataSource.query('SELECT tenant_key FROM api_servers WHERE organization_id = $1', [organization.id]);
      tenantOf[tenant] = tenant_key;
    }
  });

  /** `count` queued items of the organization, on records PFA-<code>-1…, queued in that order `priority`. */
  async function queued(organization: Organization, count: number, priority = 0, from = 1): Promise<void> {
    const modificationIds: string[] = [];
    for (let index = from; index < from + count; index += 1) {
      const record = await fixtures.record(organization, `PFA-${organization.code}-${index}`);
      const [{ id }]: Array<{ id: string }> = await testApp.dataSource.query(
        `INSERT INTO pfa_modification (organization_id, record_id, user_id, changes, base_values, base_version, status)
         VALUES ($1, $2, $3, '{"model": "edited"}', '{"model": null}', $4, 'pending') RETURNING id`,
        [organization.id, record.id, planner.user.id, record.version],
      );
      modificationIds.push(id);
    }
    await testApp.dataSource.transaction((manager) => queue.enqueue(manager, { organizationId: organization.id, modificationIds, priority, jobId: randomUUID() }));
  }

  function codeOf(organizationId: string): string {
    return Object.values(orgs).find((organization) => organization.id === organizationId)!.code;
  }

  async function claim(roomByTenant: Record<string, number>, inFlight: Partial<Record<'rio' | 'lis' | 'osl', number>> = {}, limit = 100): Promise<string[]> {
    const { items } = await queue.claim('claim-test', limit, {
      roomByTenant: new Map(Object.entries(roomByTenant).map(([tenant, room]) => [tenantOf[tenant], room])),
      inFlightByOrganization: new Map(Object.entries(inFlight).map(([key, count]) => [orgs[key as 'rio'].id, count])),
    });
    return items.map(({ item }) => `${codeOf(item.organizationId)}:${item.pfaId}`);
  }

  it("a tenant gives at most its room, and a full tenant's backlog takes none of another tenant's places", async () => {
    await queued(orgs.rio, 30);
    await queued(orgs.osl, 3);
    const claimed = await claim({ T: 4, U: 10 });
    expect(claimed.filter((entry) => entry.startsWith('RIO:'))).toHaveLength(4);
    expect(claimed.filter((entry) => entry.startsWith('OSL:')).sort()).toEqual(['OSL:PFA-OSL-1', 'OSL:PFA-OSL-2', 'OSL:PFA-OSL-3']);
    // T full (no room given): nothing of RIO's, though 26 are due.
    expect(await claim({ U: 10 })).toEqual([]);
  });

  it('the organizations on a tenant take turns: the next place goes to the one with the fewest items in flight', async () => {
    await queued(orgs.rio, 30);
    await queued(orgs.lis, 5);
    // RIO holds 8 places, LIS none: LIS gets the free places until both hold as many.
    expect(await claim({ T: 4 }, { rio: 8 })).toEqual(['LIS:PFA-LIS-1', 'LIS:PFA-LIS-2', 'LIS:PFA-LIS-3', 'LIS:PFA-LIS-4']);
    // Level (both hold 4), two places: one each, the longest waiting first (RIO queued first).
    expect(await claim({ T: 2 }, { rio: 4, lis: 4 })).toEqual(['RIO:PFA-RIO-1', 'LIS:PFA-LIS-5']);
  });

  it('within an organization, higher priority first, then the longest waiting; retries that fell due before everything', async () => {
    await queued(orgs.rio, 2, 0, 1);
    await queued(orgs.rio, 2, 5, 3);
    await testApp.dataSource.query(`UPDATE pfa_write_queue SET retry_count = 1, scheduled_at = now() - interval '1 second' WHERE pfa_id = 'PFA-RIO-2'`);
    await queued(orgs.lis, 2);
    expect(await claim({ T: 3 }, { lis: 0 })).toEqual(['RIO:PFA-RIO-2', 'LIS:PFA-LIS-1', 'RIO:PFA-RIO-3']);
  });

  it('says how many of the items it chose another claim held at that moment, so that the worker looks again instead of taking them for all that was due', async () => {
    await queued(orgs.rio, 5);
    const otherClaim = new Client({ connectionString: process.env.DATABASE_URL, application_name: 'test-other-claim' });
    await otherClaim.connect();
    try {
      await otherClaim.query('BEGIN');
      await otherClaim.query(`SELECT id FROM pfa_write_queue WHERE pfa_id IN ('PFA-RIO-1', 'PFA-RIO-2', 'PFA-RIO-3') FOR UPDATE`);
      const whileHeld = await queue.claim('claim-test', 4);
      expect(whileHeld.items.map(({ item }) => item.pfaId)).toEqual(['PFA-RIO-4']);
      expect(whileHeld.passedOver).toBe(3);
      await otherClaim.query('ROLLBACK');
    } finally {
      await otherClaim.end();
    }
    // Nothing held: it takes what it chose; nothing due: it chose nothing.
    expect(await queue.claim('claim-test', 4)).toMatchObject({ items: [{}, {}, {}, {}], passedOver: 0 });
    expect(await queue.claim('claim-test', 4)).toEqual({ items: [], passedOver: 0 });
  });

  it('without shares (a tool, the benchmark), every tenant may give `limit`', async () => {
    await queued(orgs.rio, 3);
    await queued(orgs.osl, 3);
    const { items: claimed } = await queue.claim('claim-test', 4);
    expect(claimed).toHaveLength(4);
    expect(new Set(claimed.map(({ tenantKey }) => tenantKey))).toEqual(new Set([tenantOf.T, tenantOf.U]));
  });
});
