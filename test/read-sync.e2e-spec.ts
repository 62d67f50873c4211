import { ConsoleLogger } from '@nestjs/common';
import request from 'supertest';
import { IsNull, Not } from 'typeorm';
import { Organization } from '../src/organizations/entities/organization.entity';
import { PemsReadSyncScheduler } from '../src/read-sync/pems-read-sync.scheduler';
import { ThreadedPemsSimulator } from './support/threaded-simulator';
import { PfaRecordHistory } from '../src/pfa/entities/pfa-record-history.entity';
import { PfaRecord } from '../src/pfa/entities/pfa-record.entity';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { connectToSimulator, expectWithinRateLimit, startSimulator } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';

/** The test log as usual (errors and warnings; everything with TEST_LOG=1), keeping the warnings for the tests to read. */
class WarningsKept extends ConsoleLogger {
  readonly warnings: string[] = [];

  constructor() {
    super({ logLevels: process.env.TEST_LOG ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn'] });
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    this.warnings.push(`[${String(rest.at(-1) ?? '')}] ${String(message)}`);
    super.warn(message, ...rest);
  }
}

describe('read sync (e2e)', () => {
  const logger = new WarningsKept();
  let testApp: TestApp;
  let fixtures: Fixtures;
  let simulator: ThreadedPemsSimulator;
  let baseUrl: string;
  let rio: Organization;
  let syncer: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({}, logger);
    fixtures = new Fixtures(testApp);
    ({ simulator, baseUrl } = await startSimulator({ maxGridPageSize: 120 }));
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    simulator.reset();
    simulator.clearLog();
    logger.warnings.length = 0;
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

  const sync = (body: Record<string, unknown> = {}) =>
    request(testApp.app.getHttpServer())
      .post('/api/pems/read-sync')
      .set('Authorization', `Bearer ${syncer.token}`)
      .send({ organizationId: rio.id, ...body });
  const markedDeleted = () => records().countBy({ deletedInPemsAt: Not(IsNull()) });
  /** The first `count` records of the simulator's RIO, from the `from`th. */
  const rioIds = (count: number, from = 0) => simulator.listRecords('RIO', from, count).records.map((record) => record.pfaId);
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

  it('skips a record whose text no record may hold (a NUL, an unpaired surrogate), reports it by id, does not mark it deleted, and mirrors the rest', async () => {
    await sync().expect(200);
    const known = simulator.getRecord('RIO', 'PFA-10002')!;
    const before = await records().findOneByOrFail({ pfaId: 'PFA-10002' });
    simulator.putRecord({ organization: 'RIO', pfaId: known.pfaId, recordid: known.recordid + 1, data: { ...known.data, category: 'Cranes\u0000DROP' } });
    simulator.putRecord({ organization: 'RIO', pfaId: 'PFA-NEW\u0000', recordid: 1, data: { ...known.data } });
    simulator.putRecord({ organization: 'RIO', pfaId: 'PFA-20000', recordid: 1, data: { ...known.data, manufacturer: 'Lieb\uD800herr' } });

    const response = await sync().expect(200);
    expect(response.body).toMatchObject({ created: 0, unchanged: 299, markedDeleted: 0 });
    expect(response.body.skipped).toEqual(
      expect.arrayContaining([
        { pfaId: 'PFA-10002', field: 'data.category' },
        { pfaId: 'PFA-NEW\\u0000', field: 'pfaId' },
        { pfaId: 'PFA-20000', field: 'data.manufacturer' },
      ]),
    );
    expect(response.body.skipped).toHaveLength(3);
    const after = await records().findOneByOrFail({ pfaId: 'PFA-10002' });
    expect({ data: after.data, version: after.version, deletedInPemsAt: after.deletedInPemsAt }).toEqual({ data: before.data, version: before.version, deletedInPemsAt: null });
    expect(await records().countBy({ pfaId: 'PFA-20000' })).toBe(0);
    expect(logger.warnings.join('\n')).toMatch(/skipped 3 record\(s\).*PFA-10002 \(data\.category\)/);
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

  it('keeps within the rate limit, and answers a generic 502 when PEMS fails, the cause in the log only', async () => {
    await sync().expect(200);
    expect(simulator.getLog().every((entry) => entry.status === 200)).toBe(true);
    expectWithinRateLimit(simulator.getLog(), 10, 'the grid pages');

    simulator.setFaults({ statusShares: { 503: 1 } });
    const failed = await sync().expect(502);
    expect(failed.body.code).toBe('PEMS_UNAVAILABLE');
    expect(failed.body.message).not.toContain('503');
    expect(failed.body.message).toMatch(/log has the reason/);
    expect(logger.warnings.join('\n')).toMatch(/Read sync of RIO stopped at cursor 0: .*503/);
    simulator.clearFaults();
    expect(await records().count()).toBe(300);
  });

  describe('a grid that strays from the contract', () => {
    beforeEach(() => {
      simulator.seed('RIO', 60, { seed: 7 });
      simulator.setMaxGridPageSize(10);
    });
    const listedCursors = () =>
      simulator
        .getLog()
        .filter((entry) => entry.action === 'LIST')
        .map((entry) => entry.cursor);

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

    it('a cursor that does not advance: 502, the log naming it, read once, and nothing marked deleted', async () => {
      await sync().expect(200);
      simulator.setGridQuirks({ stuckCursorAt: 20 });
      simulator.clearLog();

      const failed = await sync().expect(502);
      expect(failed.body.code).toBe('PEMS_UNAVAILABLE');
      expect(failed.body.message).not.toMatch(/NEXTCURSORPOSITION/);
      expect(logger.warnings.join('\n')).toMatch(/NEXTCURSORPOSITION 20 does not advance/);
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

  describe('the mass-deletion guard (PEMS_READ_SYNC_MAX_DELETE_PERCENT, 10 by default)', () => {
    const deleteInPems = (pfaIds: string[]) => pfaIds.forEach((pfaId) => simulator.deleteRecord('RIO', pfaId));
    const deletedIds = async () => (await records().find({ where: { deletedInPemsAt: Not(IsNull()) }, order: { pfaId: 'ASC' } })).map((record) => record.pfaId);
    const guardWarnings = () => logger.warnings.filter((line) => line.startsWith('[PemsReadSync]') && /confirmDeletions/.test(line));

    it('withholds marking more than 10% (40 of 300), says so in the answer and the log, on schedule too; confirmDeletions: true marks them', async () => {
      await sync().expect(200);
      const gone = rioIds(40, 100);
      deleteInPems(gone);

      const withheld = await sync().expect(200);
      expect(withheld.body).toMatchObject({ unchanged: 260, markedDeleted: 0, deletionsWithheld: 40 });
      expect(withheld.body.warning).toMatch(/40 of the organization's 300 records \(13\.3%\)/);
      expect(withheld.body.warning).toMatch(/confirmDeletions: true/);
      expect(await markedDeleted()).toBe(0);
      expect(guardWarnings()).toEqual([expect.stringContaining("Read sync of RIO: PEMS no longer lists 40 of the organization's 300 records")]);

      // The scheduled read sync never confirms: it withholds and warns again.
      await testApp.app.get(PemsReadSyncScheduler).runOnce();
      expect(await markedDeleted()).toBe(0);
      expect(guardWarnings()).toHaveLength(2);

      const confirmed = await sync({ confirmDeletions: true }).expect(200);
      expect(confirmed.body).toMatchObject({ unchanged: 260, markedDeleted: 40, deletionsWithheld: 0, warning: null });
      expect(await deletedIds()).toEqual(gone);
      const edit = await request(testApp.app.getHttpServer())
        .patch(`/api/pfa/${(await records().findOneByOrFail({ pfaId: gone[0] })).id}`)
        .set('Authorization', `Bearer ${(await fixtures.user('editor', [[rio, ['perm_Read', 'perm_Edit']]])).token}`)
        .send({ changes: { model: 'too late' } });
      expect(edit.status).toBe(409);

      // Marked records are no longer counted: the next sync has nothing to mark or withhold.
      expect((await sync().expect(200)).body).toMatchObject({ markedDeleted: 0, deletionsWithheld: 0, warning: null });
      expect(guardWarnings()).toHaveLength(2);
    });

    it('marks deletions up to the limit without confirmation: exactly 10% (30 of 300), then a small one (2 of the 270 left)', async () => {
      await sync().expect(200);
      const first = rioIds(30, 10);
      deleteInPems(first);
      expect((await sync().expect(200)).body).toMatchObject({ markedDeleted: 30, deletionsWithheld: 0, warning: null });

      const second = rioIds(2, 200);
      deleteInPems(second);
      expect((await sync().expect(200)).body).toMatchObject({ unchanged: 268, markedDeleted: 2, deletionsWithheld: 0, warning: null });
      expect(await deletedIds()).toEqual([...first, ...second].sort());
      expect(guardWarnings()).toEqual([]);
    });

    it('in a small organization one record can be more than 10%: 1 of 5 waits for confirmation', async () => {
      simulator.seed('RIO', 5, { seed: 7 });
      await sync().expect(200);
      deleteInPems(rioIds(1));
      expect((await sync().expect(200)).body).toMatchObject({
        markedDeleted: 0,
        deletionsWithheld: 1,
        warning: expect.stringMatching(/1 of the organization's 5 records \(20%\)/),
      });
      expect((await sync({ confirmDeletions: true }).expect(200)).body).toMatchObject({ markedDeleted: 1, deletionsWithheld: 0 });
    });

    it('confirmDeletions must be a boolean: 400 naming it, nothing read or marked', async () => {
      await sync().expect(200);
      deleteInPems(rioIds(40));
      simulator.clearLog();
      for (const confirmDeletions of ['true', 1, 'yes', {}, [true]]) {
        const response = await sync({ confirmDeletions }).expect(400);
        expect(response.body.errors.map((error: { field: string }) => error.field)).toContain('confirmDeletions');
      }
      expect(simulator.getLog()).toEqual([]);
      expect(await markedDeleted()).toBe(0);
    });
  });

  it('answers 409 when the organization has no active PEMS server', async () => {
    await testApp.dataSource.query('UPDATE api_servers SET is_active = false');
    const response = await sync().expect(409);
    expect(response.body.code).toBe('NO_PEMS_API_SERVER');
  });
});
