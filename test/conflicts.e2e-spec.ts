import { setTimeout as sleep } from 'node:timers/promises';
import { PfaSyncConflict } from '../src/conflicts/entities/pfa-sync-conflict.entity';
import { TestUser } from './support/fixtures';
import { waitForModifications } from './support/write-sync-helpers';
import { WriteSyncHarness, seedFaultingOnlyFirst } from './support/write-sync-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** SPEC §8: conflicts found when sending to PEMS, listed, and resolved by a person. */
describe('conflicts (e2e)', () => {
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset();
  });
  afterAll(async () => {
    await h.stop();
  });

  const listConflicts = (query: Record<string, string> = {}) =>
    h
      .http()
      .get('/api/pems/conflicts')
      .query({ organizationId: h.rio.id, ...query })
      .set(h.as())
      .expect(200);
  const resolve = (conflictId: string, body: Record<string, unknown>, user: TestUser = h.planner) =>
    h.http().post(`/api/pems/conflicts/${conflictId}/resolve`).set(h.as(user)).send(body);

  /** A Rental record (it has a monthlyRate) that is not discontinued. */
  async function rentalRecord(): Promise<{ pfaId: string; monthlyRate: number }> {
    const [row] = await h.dataSource.query(
      `SELECT pfa_id, (data->>'monthlyRate')::float8 AS rate FROM pfa_records
       WHERE organization_id = $1 AND data->>'source' = 'Rental' AND (data->>'monthlyRate') IS NOT NULL ORDER BY pfa_id LIMIT 1`,
      [h.rio.id],
    );
    return { pfaId: row.pfa_id, monthlyRate: row.rate };
  }

  /** The planner edits `ours`, PEMS's other user changes `theirs` meanwhile, the planner syncs: a conflict. */
  async function makeConflict(pfaId: string, ours: Record<string, unknown>, theirs: Record<string, unknown>) {
    const base = await h.recordOf(pfaId);
    const modificationId = await h.edit(pfaId, ours);
    const changed = h.simulator.changeRecord('RIO', pfaId, theirs);
    await h.queueOk();
    const [modification] = await waitForModifications(h.dataSource, [modificationId]);
    expect(modification.status).toBe('conflict');
    const { body } = await listConflicts({ status: 'unresolved' });
    const conflict = body.conflicts.find((entry: { modificationId: string }) => entry.modificationId === modificationId);
    expect(conflict).toBeDefined();
    h.simulator.clearLog();
    return { base, modificationId, conflict, pemsVersion: changed.recordid };
  }

  describe('detection', () => {
    it('PEMS changed the same field: a conflict with ours, theirs and the base, listed for people to resolve; nothing overwritten', async () => {
      const base = await h.recordOf('PFA-10001');
      const modificationId = await h.edit('PFA-10001', { model: 'Our model', manufacturer: 'Our maker' });
      h.simulator.changeRecord('RIO', 'PFA-10001', { model: 'Their model' });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('conflict');
      expect(modification.syncError).toMatch(/VERSION_CONFLICT/);
      expect(await h.itemOf(modificationId)).toMatchObject({ status: 'failed', lastError: 'VERSION_CONFLICT', retryCount: 0 });

      const { body } = await listConflicts();
      expect(body).toEqual({
        total: 1,
        conflicts: [
          expect.objectContaining({
            id: expect.stringMatching(UUID),
            pfaId: 'PFA-10001',
            localVersion: base.version,
            pemsVersion: base.version + 1,
            conflictFields: ['model'],
            localData: { model: 'Our model', manufacturer: 'Our maker' },
            pemsData: { model: 'Their model', manufacturer: base.data.manufacturer },
            baseData: { model: base.data.model, manufacturer: base.data.manufacturer },
            status: 'unresolved',
            createdAt: expect.stringMatching(ISO),
            modifiedBy: { username: 'planner', email: 'planner@example.com' },
          }),
        ],
      });
      expect((await listConflicts({ status: 'resolved' })).body).toEqual({ conflicts: [], total: 0 });

      // One UPDATE refused, one GET to compare; our values never overwrote theirs.
      expect(h.simulator.getLog().map((entry) => `${entry.action} ${entry.status}`)).toEqual(['UPDATE 409', 'GET 200']);
      const pems = h.simulator.getRecord('RIO', 'PFA-10001')!;
      expect(pems.data).toMatchObject({ model: 'Their model', manufacturer: base.data.manufacturer });
      // The mirror now shows PEMS's record.
      const mirror = await h.recordOf('PFA-10001');
      expect(mirror.version).toBe(base.version + 1);
      expect(mirror.data.model).toBe('Their model');
    });

    it('PEMS changed another field: the write goes again on the new version and PEMS keeps both changes', async () => {
      const base = await h.recordOf('PFA-10002');
      const modificationId = await h.edit('PFA-10002', { model: 'Our model' });
      h.simulator.changeRecord('RIO', 'PFA-10002', { manufacturer: 'Their maker' });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      const updates = h.updates('PFA-10002');
      expect(updates.map((entry) => [entry.recordid, entry.status])).toEqual([
        [base.version, 409],
        [base.version + 1, 200],
      ]);
      expect(Object.keys(updates[1].fields)).toEqual(['PFS_MODEL']);
      expect(h.simulator.getRecord('RIO', 'PFA-10002')!.data).toMatchObject({ model: 'Our model', manufacturer: 'Their maker' });
      const mirror = await h.recordOf('PFA-10002');
      expect(mirror.version).toBe(base.version + 2);
      expect(mirror.data).toMatchObject({ model: 'Our model', manufacturer: 'Their maker' });
      // A resend after a non-overlapping conflict is not a retry.
      expect(await h.itemOf(modificationId)).toMatchObject({ status: 'completed', retryCount: 0 });
      expect(await h.dataSource.getRepository(PfaSyncConflict).count()).toBe(0);
    });

    it('a write PEMS applied but whose answer was lost: completed on the retry with no conflict, applied once', async () => {
      const base = await h.recordOf('PFA-10003');
      h.simulator.setFaults({ lostResponseShare: 0.2, seed: seedFaultingOnlyFirst(0.2) });
      const modificationId = await h.edit('PFA-10003', { model: 'Delivered once' });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      expect(await h.dataSource.getRepository(PfaSyncConflict).count()).toBe(0);
      const updates = h.updates('PFA-10003');
      expect(updates[0].fault).toBe('lost_response');
      expect(updates.filter((entry) => entry.status === 200)).toHaveLength(0);
      const pems = h.simulator.getRecord('RIO', 'PFA-10003')!;
      expect(pems.recordid).toBe(base.version + 1);
      expect(pems.data.model).toBe('Delivered once');
      const mirror = await h.recordOf('PFA-10003');
      expect(mirror.version).toBe(base.version + 1);
      expect(mirror.data.model).toBe('Delivered once');
      expect((await h.itemOf(modificationId)).status).toBe('completed');
    });

    it('PEMS already holds our value (someone made the same edit): completed, no conflict, no second write', async () => {
      const base = await h.recordOf('PFA-10004');
      const modificationId = await h.edit('PFA-10004', { model: 'Same idea' });
      h.simulator.changeRecord('RIO', 'PFA-10004', { model: 'Same idea' });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      expect(await h.dataSource.getRepository(PfaSyncConflict).count()).toBe(0);
      expect(h.updates('PFA-10004').map((entry) => entry.status)).toEqual([409]);
      expect(h.simulator.getRecord('RIO', 'PFA-10004')!.recordid).toBe(base.version + 1);
      expect((await h.recordOf('PFA-10004')).version).toBe(base.version + 1);
    });

    it('found before sending (a read sync moved the mirror ahead): a conflict, and no request to PEMS at all', async () => {
      const base = await h.recordOf('PFA-10005');
      const modificationId = await h.edit('PFA-10005', { model: 'Our model' });
      h.simulator.changeRecord('RIO', 'PFA-10005', { model: 'Their model' });
      await h.readSync();
      h.simulator.clearLog();
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('conflict');
      await sleep(200);
      expect(h.simulator.getLog()).toEqual([]);
      const { body } = await listConflicts();
      expect(body.conflicts[0]).toMatchObject({
        pfaId: 'PFA-10005',
        localVersion: base.version,
        pemsVersion: base.version + 1,
        conflictFields: ['model'],
        localData: { model: 'Our model' },
        pemsData: { model: 'Their model' },
        baseData: { model: base.data.model },
      });
    });

    it("the mirror is ahead but PEMS changed another field: sent once, straight on the mirror's version", async () => {
      const base = await h.recordOf('PFA-10006');
      const modificationId = await h.edit('PFA-10006', { model: 'Our model' });
      h.simulator.changeRecord('RIO', 'PFA-10006', { manufacturer: 'Their maker' });
      await h.readSync();
      h.simulator.clearLog();
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      expect(h.updates().map((entry) => [entry.recordid, entry.status])).toEqual([[base.version + 1, 200]]);
      expect(h.simulator.getRecord('RIO', 'PFA-10006')!.data).toMatchObject({ model: 'Our model', manufacturer: 'Their maker' });
    });
  });

  describe('resolution', () => {
    it("use_local: our values are written on PEMS's version, PEMS ends with ours, and the resolution is kept on record", async () => {
      const { modificationId, conflict, pemsVersion } = await makeConflict('PFA-10001', { model: 'Ours wins' }, { model: 'Theirs' });

      const response = await resolve(conflict.id, { resolution: 'use_local' }, h.colleague).expect(200);
      expect(response.body).toEqual({ success: true, conflictId: conflict.id, resolvedAt: expect.stringMatching(ISO), appliedChanges: { model: 'Ours wins' } });

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      // Re-based on PEMS's values at resolution.
      expect(modification.baseVersion).toBe(pemsVersion);
      expect(modification.baseValues).toEqual({ model: 'Theirs' });
      expect(h.updates().map((entry) => [entry.recordid, entry.status])).toEqual([[pemsVersion, 200]]);
      expect(h.simulator.getRecord('RIO', 'PFA-10001')!.data.model).toBe('Ours wins');
      expect((await h.recordOf('PFA-10001')).data.model).toBe('Ours wins');

      const stored = await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: conflict.id });
      expect(stored).toMatchObject({ status: 'resolved', resolution: 'use_local', resolvedBy: h.colleague.user.id, appliedChanges: { model: 'Ours wins' }, mergedData: null });
      expect(stored.resolvedAt!.toISOString()).toBe(response.body.resolvedAt);
      const listed = await listConflicts({ status: 'resolved' });
      expect(listed.body.conflicts).toEqual([expect.objectContaining({ id: conflict.id, status: 'resolved', resolution: 'use_local' })]);
      expect((await listConflicts({ status: 'unresolved' })).body.total).toBe(0);
    });

    it('use_local after PEMS moved on again (another field): the write is re-based, sent again and lands with both changes', async () => {
      const { modificationId, conflict, pemsVersion } = await makeConflict('PFA-10005', { model: 'Ours again' }, { model: 'Theirs' });
      h.simulator.changeRecord('RIO', 'PFA-10005', { manufacturer: 'Moved on' });

      await resolve(conflict.id, { resolution: 'use_local' }).expect(200);
      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      expect(h.updates().map((entry) => [entry.recordid, entry.status])).toEqual([
        [pemsVersion, 409],
        [pemsVersion + 1, 200],
      ]);
      expect(h.simulator.getRecord('RIO', 'PFA-10005')!.data).toMatchObject({ model: 'Ours again', manufacturer: 'Moved on' });
      expect(await h.dataSource.getRepository(PfaSyncConflict).countBy({ status: 'unresolved' })).toBe(0);
    });

    it('use_local after PEMS changed the same field again: a new conflict against the values seen at resolution', async () => {
      const { modificationId, conflict } = await makeConflict('PFA-10006', { model: 'Ours' }, { model: 'Theirs' });
      h.simulator.changeRecord('RIO', 'PFA-10006', { model: 'Theirs, later' });

      await resolve(conflict.id, { resolution: 'use_local' }).expect(200);
      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('conflict');
      const { body } = await listConflicts({ status: 'unresolved' });
      expect(body.conflicts).toEqual([
        expect.objectContaining({ modificationId, conflictFields: ['model'], baseData: { model: 'Theirs' }, pemsData: { model: 'Theirs, later' }, localData: { model: 'Ours' } }),
      ]);
      expect(h.simulator.getRecord('RIO', 'PFA-10006')!.data.model).toBe('Theirs, later');
    });

    it('use_pems: PEMS keeps its values, nothing is written, the modification is synced', async () => {
      const { modificationId, conflict } = await makeConflict('PFA-10002', { model: 'Ours loses' }, { model: 'Theirs stays' });

      const response = await resolve(conflict.id, { resolution: 'use_pems' }).expect(200);
      expect(response.body).toMatchObject({ success: true, conflictId: conflict.id, appliedChanges: null });
      expect((await h.modification(modificationId)).status).toBe('synced');
      await sleep(1000);
      expect(h.simulator.getLog()).toEqual([]);
      expect(h.simulator.getRecord('RIO', 'PFA-10002')!.data.model).toBe('Theirs stays');
      expect((await h.recordOf('PFA-10002')).data.model).toBe('Theirs stays');
      const stored = await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: conflict.id });
      expect(stored).toMatchObject({ status: 'resolved', resolution: 'use_pems', resolvedBy: h.planner.user.id, appliedChanges: null });
      expect(stored.resolvedAt).toBeInstanceOf(Date);
      // The record shows PEMS's value, with no pending edit left over.
      const record = await h.recordOf('PFA-10002');
      const detail = await h.http().get(`/api/pfa/${record.id}`).set(h.as()).expect(200);
      expect(JSON.stringify(detail.body)).toContain('Theirs stays');
    });

    it('merge: mergedData must cover every conflicting field and pass validation; then it is written with our other changes', async () => {
      const { pfaId, monthlyRate } = await rentalRecord();
      const { modificationId, conflict, pemsVersion } = await makeConflict(pfaId, { monthlyRate: monthlyRate + 500, model: 'Merged model' }, { monthlyRate: monthlyRate + 900 });
      expect(conflict.conflictFields).toEqual(['monthlyRate']);

      const missing = await resolve(conflict.id, { resolution: 'merge', mergedData: { model: 'Only the other field' } }).expect(400);
      expect(missing.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mergedData.monthlyRate', code: 'MISSING_REQUIRED_FIELD' })]));
      const none = await resolve(conflict.id, { resolution: 'merge' }).expect(400);
      expect(JSON.stringify(none.body.errors)).toContain('mergedData');
      const invalid = await resolve(conflict.id, { resolution: 'merge', mergedData: { monthlyRate: -5 } }).expect(400);
      expect(invalid.body.errors).toEqual([expect.objectContaining({ field: 'mergedData.monthlyRate', code: 'INVALID_VALUE' })]);
      const wrongType = await resolve(conflict.id, { resolution: 'merge', mergedData: { monthlyRate: 'a lot' } }).expect(400);
      expect(wrongType.body.errors).toEqual([expect.objectContaining({ field: 'mergedData.monthlyRate', code: 'INVALID_TYPE' })]);
      // Refused attempts change nothing.
      expect((await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: conflict.id })).status).toBe('unresolved');
      expect((await h.modification(modificationId)).status).toBe('conflict');
      expect(h.simulator.getLog()).toEqual([]);

      const merged = monthlyRate + 700;
      const response = await resolve(conflict.id, { resolution: 'merge', mergedData: { monthlyRate: merged } }).expect(200);
      expect(response.body.appliedChanges).toEqual({ monthlyRate: merged, model: 'Merged model' });
      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      expect(h.updates().map((entry) => [entry.recordid, entry.status])).toEqual([[pemsVersion, 200]]);
      expect(h.simulator.getRecord('RIO', pfaId)!.data).toMatchObject({ monthlyRate: merged, model: 'Merged model' });
      const stored = await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: conflict.id });
      expect(stored).toMatchObject({
        status: 'resolved',
        resolution: 'merge',
        mergedData: { monthlyRate: merged },
        appliedChanges: { monthlyRate: merged, model: 'Merged model' },
      });
    });

    it('a resolved conflict cannot be resolved again: 409, nothing sent', async () => {
      const { conflict } = await makeConflict('PFA-10003', { model: 'Ours' }, { model: 'Theirs' });
      await resolve(conflict.id, { resolution: 'use_pems' }).expect(200);
      const again = await resolve(conflict.id, { resolution: 'use_local' }, h.colleague).expect(409);
      expect(again.body.message).toMatch(/resolved already/);
      await sleep(500);
      expect(h.simulator.getLog()).toEqual([]);
      const stored = await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: conflict.id });
      expect(stored).toMatchObject({ resolution: 'use_pems', resolvedBy: h.planner.user.id });
    });

    it("two people resolving at once: exactly one wins (200), the other gets 409, and only the winner's choice happens", async () => {
      const { modificationId, conflict } = await makeConflict('PFA-10004', { model: 'Ours' }, { model: 'Theirs' });
      const [byPlanner, byColleague] = await Promise.all([
        resolve(conflict.id, { resolution: 'use_local' }, h.planner),
        resolve(conflict.id, { resolution: 'use_pems' }, h.colleague),
      ]);
      expect([byPlanner.status, byColleague.status].sort()).toEqual([200, 409]);
      const winner = byPlanner.status === 200 ? { user: h.planner, resolution: 'use_local', model: 'Ours' } : { user: h.colleague, resolution: 'use_pems', model: 'Theirs' };

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      const stored = await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: conflict.id });
      expect(stored).toMatchObject({ status: 'resolved', resolution: winner.resolution, resolvedBy: winner.user.user.id });
      await sleep(300);
      expect(h.simulator.getRecord('RIO', 'PFA-10004')!.data.model).toBe(winner.model);
      expect(h.updates()).toHaveLength(winner.resolution === 'use_local' ? 1 : 0);
    });
  });
});
