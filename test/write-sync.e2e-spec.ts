import request from 'supertest';
import { Organization } from '../src/organizations/entities/organization.entity';
import { ThreadedPemsSimulator } from './support/threaded-simulator';
import { PfaRecordHistory } from '../src/pfa/entities/pfa-record-history.entity';
import { PfaRecord } from '../src/pfa/entities/pfa-record.entity';
import { PfaWriteQueueItem } from '../src/write-queue/entities/pfa-write-queue.entity';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { connectToSimulator, startSimulator } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';
import { waitForModifications } from './support/write-sync-helpers';

describe('write sync (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let simulator: ThreadedPemsSimulator;
  let baseUrl: string;
  let rio: Organization;
  let planner: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ PEMS_WRITE_SYNC_RETRY_DELAYS_MS: '1000,2000,3000' });
    fixtures = new Fixtures(testApp);
    ({ simulator, baseUrl } = await startSimulator());
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    simulator.reset();
    simulator.clearFaults();
    simulator.seed('RIO', 20, { seed: 3 });
    simulator.clearLog();
    rio = await fixtures.organization('RIO');
    planner = await fixtures.user('planner', [[rio, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
    await connectToSimulator(testApp, rio, baseUrl);
    await request(testApp.app.getHttpServer()).post('/api/pems/read-sync').set('Authorization', `Bearer ${planner.token}`).send({ organizationId: rio.id }).expect(200);
    simulator.clearLog();
  });
  afterAll(async () => {
    await simulator.stop();
    await testApp.close();
  });

  const http = () => request(testApp.app.getHttpServer());
  const as = (user: TestUser) => ({ Authorization: `Bearer ${user.token}` });
  const recordOf = (pfaId: string) => testApp.dataSource.getRepository(PfaRecord).findOneByOrFail({ pfaId });

  async function edit(pfaId: string, changes: Record<string, unknown>) {
    const record = await recordOf(pfaId);
    const response = await http().patch(`/api/pfa/${record.id}`).set(as(planner)).send({ changes }).expect(201);
    return response.body.id as string;
  }

  it('sends exactly the changed fields on the right recordid, and the mirror moves on', async () => {
    const before = await recordOf('PFA-10001');
    const modificationId = await edit('PFA-10001', { model: 'LR 9000', isFundsTransferable: !before.data.isFundsTransferable });

    const queued = await http().post('/api/pems/write-sync').set(as(planner)).send({ organizationId: rio.id }).expect(200);
    expect(queued.body).toMatchObject({ success: true, queuedCount: 1, jobId: expect.any(String), estimatedCompletionTime: expect.any(String) });

    const [modification] = await waitForModifications(testApp.dataSource, [modificationId]);
    expect(modification.status).toBe('synced');
    const updates = simulator.getLog().filter((entry) => entry.action === 'UPDATE');
    expect(updates).toHaveLength(1);
    expect(updates[0].recordid).toBe(before.version);
    expect(Object.keys(updates[0].fields).sort()).toEqual(['PFS_FUNDSTRANSFERABLE', 'PFS_MODEL']);

    const after = await recordOf('PFA-10001');
    expect(after.version).toBe(before.version + 1);
    expect(after.data.model).toBe('LR 9000');
    expect(simulator.getRecord('RIO', 'PFA-10001')!.data.model).toBe('LR 9000');
    const history = await testApp.dataSource.getRepository(PfaRecordHistory).find({ where: { recordId: after.id }, order: { version: 'ASC' } });
    expect(history.map((entry) => [entry.version, entry.source])).toEqual([
      [before.version, 'read_sync'],
      [before.version + 1, 'write_sync'],
    ]);
    const item = await testApp.dataSource.getRepository(PfaWriteQueueItem).findOneByOrFail({ modificationId });
    expect(item).toMatchObject({ status: 'completed', retryCount: 0, lastStatusCode: 200 });
  });
});
