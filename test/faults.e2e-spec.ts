import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { Organization } from '../src/organizations/entities/organization.entity';
import { ThreadedPemsSimulator } from './support/threaded-simulator';
import { PfaModificationsService } from '../src/pfa/pfa-modifications.service';
import { PfaMirrorService } from '../src/pfa/pfa-mirror.service';
import { WriteSyncService } from '../src/write-sync/write-sync.service';
import { startAppProcess } from './support/app-process';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { connectToSimulator, startSimulator } from './support/pems-simulator-fixture';
import { expectNothingLost } from './support/sync-outcomes';
import { TestApp, createTestApp } from './support/test-app';
import { waitForModifications } from './support/write-sync-helpers';

/**
 * Faults during a drain (SPEC §9): killed processes, a misbehaving PEMS, a database that
 * drops every connection. After each, nothing is lost, nothing is sent above the rate
 * limit, and no false conflict appears.
 */
describe('faults during a drain (e2e)', () => {
  let simulator: ThreadedPemsSimulator;
  let baseUrl: string;

  beforeAll(async () => {
    ({ simulator, baseUrl } = await startSimulator());
  });
  afterAll(() => simulator.stop());

  /** `count` records mirrored from PEMS, each with one pending modification, all queued. */
  async function queueEdits(testApp: TestApp, count: number): Promise<{ organization: Organization; modificationIds: string[] }> {
    await cleanDatabase(testApp.dataSource);
    simulator.reset();
    simulator.clearFaults();
    simulator.seed('RIO', count, { seed: 11 });
    const fixtures = new Fixtures(testApp);
    const organization = await fixtures.organization('RIO');
    const planner: TestUser = await fixtures.user('planner', [[organization, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
    await connectToSimulator(testApp, organization, baseUrl);
    const records = simulator.listRecords('RIO', 0, count).records;
    await testApp.app.get(PfaMirrorService).applyMany(
      organization.id,
      records.map((record) => ({ pfaId: record.pfaId, version: record.recordid, data: record.data })),
      'read_sync',
    );
    const modificationIds: string[] = [];
    const edits = testApp.app.get(PfaModificationsService);
    for (const [index, record] of records.entries()) {
      const { id } = await testApp.dataSource.getRepository('PfaRecord').findOneByOrFail({ pfaId: record.pfaId });
      const modification = await edits.edit(id, planner.user, { changes: { model: `Fault test ${index}` } });
      modificationIds.push(modification.id);
    }
    simulator.clearLog();
    await testApp.app.get(WriteSyncService).queueModifications({ organizationId: organization.id }, planner.user.id);
    return { organization, modificationIds };
  }

  async function completedCount(testApp: TestApp): Promise<number> {
    const [{ count }] = await testApp.dataSource.query(`SELECT count(*)::int AS count FROM pfa_write_queue WHERE status = 'completed'`);
    return count;
  }

  describe('the app killed with SIGKILL mid-drain, three times', () => {
    let setup: TestApp;
    beforeAll(async () => {
      setup = await createTestApp({ ENABLE_PEMS_WRITE_SYNC: 'false' });
    });
    afterAll(() => setup.close());

    it('ends every modification, with no false conflict and never above the limit', async () => {
      const { modificationIds } = await queueEdits(setup, 60);
      const env = {
        DATABASE_URL: process.env.DATABASE_URL!,
        NODE_ENV: 'test',
        JWT_SECRET: process.env.JWT_SECRET!,
        CREDENTIALS_KEY: process.env.CREDENTIALS_KEY!,
        LOG_FILE: 'logs/test-faults.log',
        LOG_LEVEL: 'warn',
        PEMS_WRITE_SYNC_LEASE_MS: '2000',
      };
      for (let kill = 1; kill <= 3; kill += 1) {
        const app = await startAppProcess(env);
        const target = (await completedCount(setup)) + 5;
        const deadline = Date.now() + 30_000;
        while ((await completedCount(setup)) < target && Date.now() < deadline) await sleep(50);
        await app.kill('SIGKILL');
      }
      const [{ processing }] = await setup.dataSource.query(`SELECT count(*)::int AS processing FROM pfa_write_queue WHERE status = 'processing'`);
      expect(processing).toBeGreaterThanOrEqual(0);

      const last = await startAppProcess(env);
      try {
        await waitForModifications(setup.dataSource, modificationIds, ['synced', 'conflict', 'failed'], 60_000);
      } finally {
        await last.kill('SIGTERM');
      }
      await expectNothingLost(setup.dataSource, simulator, 'RIO');
      const [{ synced }] = await setup.dataSource.query(`SELECT count(*)::int AS synced FROM pfa_modification WHERE status = 'synced'`);
      expect(synced).toBe(60);
    }, 240_000);
  });

  describe('a misbehaving PEMS and a database that drops every connection', () => {
    let worker: TestApp;
    beforeAll(async () => {
      worker = await createTestApp({
        PEMS_REQUEST_TIMEOUT_MS: '800',
        PEMS_WRITE_SYNC_RETRY_DELAYS_MS: '200,400,800',
        PEMS_WRITE_SYNC_LEASE_MS: '3000',
      });
    });
    afterAll(() => worker.close());

    it('survives 30% 5xx, 10% 429, latency, timeouts and dropped connections', async () => {
      simulator.setFaults({ statusShares: { 500: 0.15, 503: 0.15, 429: 0.1 }, latencyMs: 20, timeoutShare: 0.05, dropConnectionShare: 0.05, retryAfterSeconds: 1, seed: 5 });
      const { modificationIds } = await queueEdits(worker, 40);
      simulator.setFaults({ statusShares: { 500: 0.15, 503: 0.15, 429: 0.1 }, latencyMs: 20, timeoutShare: 0.05, dropConnectionShare: 0.05, retryAfterSeconds: 1, seed: 5 });
      await waitForModifications(worker.dataSource, modificationIds, ['synced', 'conflict', 'failed'], 120_000);
      simulator.clearFaults();
      await expectNothingLost(worker.dataSource, simulator, 'RIO');
      const retried: Array<{ retried: number }> = await worker.dataSource.query(`SELECT count(*)::int AS retried FROM pfa_write_queue WHERE retry_count > 0`);
      expect(retried[0].retried).toBeGreaterThan(0);
    }, 180_000);

    it('recovers without a restart when every database connection is terminated mid-drain', async () => {
      const { organization, modificationIds } = await queueEdits(worker, 40);
      while ((await completedCount(worker)) < 10) await sleep(50);
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'pems-sync%'`,
        );
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await waitForModifications(worker.dataSource, modificationIds, ['synced', 'conflict', 'failed'], 90_000);
      await expectNothingLost(worker.dataSource, simulator, 'RIO');

      // The worker still hears of new work (its LISTEN connection came back).
      const record = await worker.dataSource.getRepository('PfaRecord').findOneByOrFail({ pfaId: 'PFA-10001' });
      const planner = await worker.dataSource.getRepository('User').findOneByOrFail({ username: 'planner' });
      const again = await worker.app.get(PfaModificationsService).edit(record.id, planner as never, { changes: { model: 'After the outage' } });
      await worker.app.get(WriteSyncService).queueModifications({ organizationId: organization.id }, (planner as { id: string }).id);
      const [done] = await waitForModifications(worker.dataSource, [again.id], ['synced'], 20_000);
      expect(done.status).toBe('synced');
    }, 180_000);
  });
});
