import request from 'supertest';
import { IsNull, Not } from 'typeorm';
import { Organization } from '../src/organizations/entities/organization.entity';
import { PemsSimulator } from '../src/pems/simulator/pems-simulator';
import { PfaRecordHistory } from '../src/pfa/entities/pfa-record-history.entity';
import { PfaRecord } from '../src/pfa/entities/pfa-record.entity';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { connectToSimulator, maxRequestsInAnySecond, startSimulator } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';

describe('read sync (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let simulator: PemsSimulator;
  let baseUrl: string;
  let rio: Organization;
  let syncer: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
    ({ simulator, baseUrl } = await startSimulator({ maxGridPageSize: 120 }));
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    simulator.reset();
    simulator.clearLog();
    simulator.seed('RIO', 300, { seed: 7 });
    simulator.seed('OTHER', 50, { seed: 8, idPrefix: 'OTH-' });
    rio = await fixtures.organization('RIO');
    syncer = await fixtures.user('syncer', [[rio, ['perm_Read', 'perm_Sync']]]);
    await connectToSimulator(testApp, rio, baseUrl);
  });
  afterAll(async () => {
    await simulator.stop();
    await testApp.close();
  });

  const sync = () => request(testApp.app.getHttpServer()).post('/api/pems/read-sync').set('Authorization', `Bearer ${syncer.token}`).send({ organizationId: rio.id });
  const records = () => testApp.dataSource.getRepository(PfaRecord);
  const history = () => testApp.dataSource.getRepository(PfaRecordHistory);

  it("pages through the grid (pages smaller than asked) and mirrors the organization's records only", async () => {
    const response = await sync().expect(200);
    expect(response.body).toMatchObject({ created: 300, updated: 0, unchanged: 0, markedDeleted: 0, pages: 3 });
    expect(await records().count()).toBe(300);
    const stored = await records().findOneByOrFail({ pfaId: 'PFA-10001' });
    const pems = simulator.getRecord('RIO', 'PFA-10001')!;
    expect(stored.version).toBe(pems.recordid);
    expect(stored.data).toEqual(pems.data);
    expect(stored.category).toBe(pems.data.category);
    expect(await records().countBy({ pfaId: 'OTH-10001' })).toBe(0);
    const lists = simulator.getLog().filter((entry) => entry.action === 'LIST');
    expect(lists.map((entry) => entry.cursor)).toEqual([0, 120, 240]);
    expect(await history().count()).toBe(300);
  });

  it('changes nothing when run again, and moves a record on with a history snapshot when PEMS changed it', async () => {
    await sync().expect(200);
    const before = await records().findOneByOrFail({ pfaId: 'PFA-10002' });

    const again = await sync().expect(200);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 300, markedDeleted: 0 });
    expect(await history().count()).toBe(300);
    expect((await records().findOneByOrFail({ pfaId: 'PFA-10002' })).data).toEqual(before.data);

    simulator.changeRecord('RIO', 'PFA-10002', { model: 'Changed in PEMS' });
    const third = await sync().expect(200);
    expect(third.body).toMatchObject({ created: 0, updated: 1, unchanged: 299 });
    const after = await records().findOneByOrFail({ pfaId: 'PFA-10002' });
    expect(after.version).toBe(before.version + 1);
    expect(after.model).toBe('Changed in PEMS');
    const snapshots = await history().find({ where: { recordId: after.id }, order: { version: 'ASC' } });
    expect(snapshots.map((snapshot) => snapshot.version)).toEqual([before.version, before.version + 1]);
  });

  it('marks a record PEMS no longer lists as deleted, keeps it, and clears the mark if it comes back', async () => {
    await sync().expect(200);
    const gone = simulator.getRecord('RIO', 'PFA-10003')!;
    simulator.deleteRecord('RIO', 'PFA-10003');
    const response = await sync().expect(200);
    expect(response.body).toMatchObject({ markedDeleted: 1, unchanged: 299 });
    const record = await records().findOneByOrFail({ pfaId: 'PFA-10003' });
    expect(record.deletedInPemsAt).not.toBeNull();
    const detail = await request(testApp.app.getHttpServer()).get(`/api/pfa/${record.id}`).set('Authorization', `Bearer ${syncer.token}`).expect(200);
    expect(detail.body.deletedInPemsAt).not.toBeNull();

    simulator.putRecord({ organization: 'RIO', pfaId: gone.pfaId, recordid: gone.recordid, data: gone.data });
    await sync().expect(200);
    expect((await records().findOneByOrFail({ pfaId: 'PFA-10003' })).deletedInPemsAt).toBeNull();
  });

  it('keeps within the rate limit, and answers 502 naming the cause when PEMS fails', async () => {
    await sync().expect(200);
    expect(simulator.getLog().every((entry) => entry.status === 200)).toBe(true);
    expect(maxRequestsInAnySecond(simulator.getLog())).toBeLessThanOrEqual(10);

    simulator.setFaults({ statusShares: { 503: 1 } });
    const failed = await sync().expect(502);
    expect(failed.body.code).toBe('PEMS_UNAVAILABLE');
    expect(failed.body.message).toContain('503');
    simulator.clearFaults();
    expect(await records().count()).toBe(300);
  });

  describe('a grid that strays from the contract', () => {
    beforeEach(() => {
      simulator.seed('RIO', 60, { seed: 7 });
      simulator.setMaxGridPageSize(10);
    });
    const listedCursors = () => simulator.getLog().filter((entry) => entry.action === 'LIST').map((entry) => entry.cursor);
    const markedDeleted = () => records().countBy({ deletedInPemsAt: Not(IsNull()) });

    it('RECORDS understated (25 of 60): follows NEXTCURSORPOSITION to the end, mirrors all 60 and marks none deleted', async () => {
      simulator.setGridQuirks({ recordsReported: 25 });
      const first = await sync().expect(200);
      expect(first.body).toMatchObject({ created: 60, markedDeleted: 0, pages: 6 });
      expect(listedCursors()).toEqual([0, 10, 20, 30, 40, 50]);

      simulator.clearLog();
      const again = await sync().expect(200);
      expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 60, markedDeleted: 0, pages: 6 });
      expect(listedCursors()).toEqual([0, 10, 20, 30, 40, 50]);
      expect(await records().count()).toBe(60);
      expect(await markedDeleted()).toBe(0);
    });

    it('a cursor that does not advance: 502 naming it, read once, and nothing marked deleted', async () => {
      await sync().expect(200);
      simulator.setGridQuirks({ stuckCursorAt: 20 });
      simulator.clearLog();

      const failed = await sync().expect(502);
      expect(failed.body.code).toBe('PEMS_UNAVAILABLE');
      expect(failed.body.message).toMatch(/NEXTCURSORPOSITION 20 does not advance/);
      expect(listedCursors()).toEqual([0, 10, 20]);
      expect(await markedDeleted()).toBe(0);
      expect(await records().count()).toBe(60);

      // On a first sync too: the pages before the unreadable one are kept, and nothing is marked.
      await cleanDatabase(testApp.dataSource);
      rio = await fixtures.organization('RIO');
      syncer = await fixtures.user('syncer', [[rio, ['perm_Read', 'perm_Sync']]]);
      await connectToSimulator(testApp, rio, baseUrl);
      await sync().expect(502);
      expect(await records().count()).toBe(20);
      expect(await markedDeleted()).toBe(0);
    });
  });

  it('answers 409 when the organization has no active PEMS server', async () => {
    await testApp.dataSource.query('UPDATE api_servers SET is_active = false');
    const response = await sync().expect(409);
    expect(response.body.code).toBe('NO_PEMS_API_SERVER');
  });
});
