import { randomUUID } from 'node:crypto';
import { PfaSyncConflict } from '../src/conflicts/entities/pfa-sync-conflict.entity';
import { TestUser } from './support/fixtures';
import { waitForModifications } from './support/write-sync-helpers';
import { WriteSyncHarness } from './support/write-sync-harness';

type Json = Record<string, unknown>;

/**
 * The conflict and restore API of the web console (docs/api-conflicts.md): the list's filters,
 * order and added fields, one conflict, a resolution checked without applying it, bulk
 * resolution, and restoring a past version of a record. Conflicts are made the quick way: the
 * planner edits, PEMS's other user changes the record (the simulator's control API), a read sync
 * moves the mirror on, and the worker finds the conflict before sending anything.
 */
describe('conflicts and restore for the console (e2e)', () => {
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset(12);
  });
  afterAll(async () => {
    await h.stop();
  });

  const list = (query: Json = {}, user: TestUser = h.planner) =>
    h
      .http()
      .get('/api/pems/conflicts')
      .query({ organizationId: h.rio.id, ...query })
      .set(h.as(user));
  const check = (conflictId: string, body: Json) => h.http().post(`/api/pems/conflicts/${conflictId}/check`).set(h.as()).send(body);
  const bulk = (body: Json, user: TestUser = h.planner) =>
    h
      .http()
      .post('/api/pems/conflicts/resolve')
      .set(h.as(user))
      .send({ organizationId: h.rio.id, ...body });

  interface Made {
    pfaId: string;
    modificationId: string;
    conflictId: string;
  }

  /** Each edit made by its user, PEMS's changes made meanwhile, then one read sync and one queueing: a conflict each. */
  async function makeConflicts(specs: Array<{ pfaId: string; ours: Json; theirs: Json; user?: TestUser }>, foundBy: 'read sync' | 'sending' = 'read sync'): Promise<Made[]> {
    const made: Array<Omit<Made, 'conflictId'>> = [];
    for (const spec of specs) made.push({ pfaId: spec.pfaId, modificationId: await h.edit(spec.pfaId, spec.ours, spec.user ?? h.planner) });
    for (const spec of specs) h.simulator.changeRecord('RIO', spec.pfaId, spec.theirs);
    // Found when sending (PEMS answers 409), an edit that no longer fits PEMS's record still gets queued.
    if (foundBy === 'read sync') await h.readSync();
    await h.queueOk();
    const modifications = await waitForModifications(
      h.dataSource,
      made.map((entry) => entry.modificationId),
    );
    expect(modifications.map((modification) => modification.status)).toEqual(made.map(() => 'conflict'));
    const conflicts = await h.dataSource.getRepository(PfaSyncConflict).findBy({ status: 'unresolved' });
    return made.map((entry) => ({ ...entry, conflictId: conflicts.find((conflict) => conflict.modificationId === entry.modificationId)!.id }));
  }

  /** The first `count` records that are Rental with a monthlyRate, not discontinued and not actualized. */
  async function rentals(count: number): Promise<Array<{ pfaId: string; monthlyRate: number }>> {
    const rows: Array<{ pfa_id: string; rate: number }> = await h.dataSource.query(
      `SELECT pfa_id, (data->>'monthlyRate')::float8 AS rate FROM pfa_records
       WHERE organization_id = $1 AND data->>'source' = 'Rental' AND data->>'monthlyRate' IS NOT NULL
         AND (data->>'isDiscontinued')::boolean IS NOT TRUE AND (data->>'isActualized')::boolean IS NOT TRUE
       ORDER BY pfa_id LIMIT $2`,
      [h.rio.id, count],
    );
    expect(rows).toHaveLength(count);
    return rows.map((row) => ({ pfaId: row.pfa_id, monthlyRate: row.rate }));
  }

  it('lists conflicts unresolved first, newest first, filtered by status, record, editor and time, with the fields PEMS alone changed; one by id', async () => {
    const [a, b, c] = await rentals(3);
    const baseA = await h.recordOf(a.pfaId);
    const [first, second] = await makeConflicts([
      { pfaId: a.pfaId, ours: { model: 'Our model' }, theirs: { model: 'Their model', manufacturer: 'Their maker', monthlyRate: a.monthlyRate + 1 } },
      { pfaId: b.pfaId, ours: { model: 'Our model' }, theirs: { model: 'Their model' }, user: h.colleague },
    ]);
    const [third] = await makeConflicts([{ pfaId: c.pfaId, ours: { model: 'Ours' }, theirs: { model: 'Theirs' } }]);
    await h.http().post(`/api/pems/conflicts/${third.conflictId}/resolve`).set(h.as(h.colleague)).send({ resolution: 'use_pems' }).expect(200);

    const all = (await list().expect(200)).body;
    expect(all.total).toBe(3);
    // The two unresolved (the second found with the first: same createdAt order as their rows), then the resolved one.
    expect(all.conflicts.map((conflict: Json) => conflict.status)).toEqual(['unresolved', 'unresolved', 'resolved']);
    expect(all.conflicts[2].id).toBe(third.conflictId);
    const unresolvedTimes = all.conflicts.slice(0, 2).map((conflict: Json) => Date.parse(conflict.createdAt as string));
    expect(unresolvedTimes[0]).toBeGreaterThanOrEqual(unresolvedTimes[1]);
    const byId = (id: string) => all.conflicts.find((conflict: Json) => conflict.id === id);
    expect(byId(first.conflictId)).toEqual(
      expect.objectContaining({
        pfaId: a.pfaId,
        recordId: baseA.id,
        conflictFields: ['model'],
        resolvedBy: null,
        mergedData: null,
        // Only the fields outside the edit, with what the editor saw and what PEMS held.
        pemsOnlyChanges: [
          { field: 'manufacturer', base: baseA.data.manufacturer ?? null, pems: 'Their maker' },
          { field: 'monthlyRate', base: a.monthlyRate, pems: a.monthlyRate + 1 },
        ],
        modifiedBy: { username: 'planner', email: 'planner@example.com' },
      }),
    );
    expect(byId(second.conflictId).pemsOnlyChanges).toEqual([]);
    expect(byId(third.conflictId)).toEqual(expect.objectContaining({ resolution: 'use_pems', resolvedBy: { id: h.colleague.user.id, username: 'colleague' } }));

    const ids = async (query: Json) => (await list(query).expect(200)).body.conflicts.map((conflict: Json) => conflict.id);
    expect(await ids({ status: 'resolved' })).toEqual([third.conflictId]);
    expect(await ids({ pfaId: b.pfaId })).toEqual([second.conflictId]);
    expect(await ids({ modifiedBy: h.colleague.user.id })).toEqual([second.conflictId]);
    expect((await ids({ modifiedBy: h.planner.user.id, status: 'unresolved' })).sort()).toEqual([first.conflictId]);
    const createdAt = new Date(byId(third.conflictId).createdAt as string);
    expect(await ids({ from: createdAt.toISOString() })).toEqual([third.conflictId]);
    expect(await ids({ to: createdAt.toISOString() })).not.toContain(third.conflictId);
    expect(await ids({ from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00+01:00' })).toEqual([]);
    const backwards = await list({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).expect(400);
    expect(backwards.body.errors.map((error: Json) => error.field)).toContain('from');
    expect((await list({ from: '2026-01-01T00:00:00' }).expect(400)).body.errors.map((error: Json) => error.field)).toContain('from');

    const one = await h.http().get(`/api/pems/conflicts/${first.conflictId}`).set(h.as()).expect(200);
    expect(one.body).toEqual(byId(first.conflictId));
    await h.http().get(`/api/pems/conflicts/${randomUUID()}`).set(h.as()).expect(404);
    const elsewhere = await h.fixtures.organization('ELSEWHERE');
    const outsider = await h.fixtures.user('outsider', [[elsewhere, ['perm_Read', 'perm_Sync']]]);
    await h.http().get(`/api/pems/conflicts/${first.conflictId}`).set(h.as(outsider)).expect(404);
  });

  it('checks a merge with the rules resolve applies and changes nothing; resolve then does what the check said; 409 once resolved', async () => {
    const [rental] = await rentals(1);
    const [made] = await makeConflicts([
      { pfaId: rental.pfaId, ours: { monthlyRate: rental.monthlyRate + 500, model: 'Merged model' }, theirs: { monthlyRate: rental.monthlyRate + 900 } },
    ]);
    const queueRows = await h.queueRowCount();

    const negative = await check(made.conflictId, { resolution: 'merge', mergedData: { monthlyRate: -5 } }).expect(200);
    expect(negative.body).toEqual({ valid: false, errors: [expect.objectContaining({ field: 'mergedData.monthlyRate', code: 'INVALID_VALUE' })], appliedChanges: null });
    const typed = await check(made.conflictId, { resolution: 'merge', mergedData: { monthlyRate: 'a lot' } }).expect(200);
    expect(typed.body.errors).toEqual([expect.objectContaining({ field: 'mergedData.monthlyRate', code: 'INVALID_TYPE' })]);
    const missing = await check(made.conflictId, { resolution: 'merge', mergedData: { model: 'Only the other field' } }).expect(200);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'mergedData.monthlyRate', code: 'MISSING_REQUIRED_FIELD' })]);
    const stray = await check(made.conflictId, { resolution: 'use_local', mergedData: {} }).expect(200);
    expect(stray.body).toEqual({ valid: false, errors: [expect.objectContaining({ field: 'mergedData', code: 'UNKNOWN_FIELD' })], appliedChanges: null });
    // The same body refused by resolve with the same errors.
    const refused = await h
      .http()
      .post(`/api/pems/conflicts/${made.conflictId}/resolve`)
      .set(h.as())
      .send({ resolution: 'merge', mergedData: { monthlyRate: -5 } })
      .expect(400);
    expect(refused.body.errors).toEqual(negative.body.errors);

    expect((await check(made.conflictId, { resolution: 'use_pems' }).expect(200)).body).toEqual({ valid: true, errors: [], appliedChanges: null });
    const merged = rental.monthlyRate + 700;
    const good = await check(made.conflictId, { resolution: 'merge', mergedData: { monthlyRate: merged } }).expect(200);
    expect(good.body).toEqual({ valid: true, errors: [], appliedChanges: { monthlyRate: merged, model: 'Merged model' } });
    // Nothing changed by any check.
    expect(await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: made.conflictId })).toMatchObject({ status: 'unresolved', resolvedBy: null });
    expect((await h.modification(made.modificationId)).status).toBe('conflict');
    expect(await h.queueRowCount()).toBe(queueRows);

    const resolved = await h
      .http()
      .post(`/api/pems/conflicts/${made.conflictId}/resolve`)
      .set(h.as())
      .send({ resolution: 'merge', mergedData: { monthlyRate: merged } })
      .expect(200);
    expect(resolved.body.appliedChanges).toEqual(good.body.appliedChanges);
    expect((await check(made.conflictId, { resolution: 'use_pems' }).expect(409)).body.code).toBe('CONFLICT_ALREADY_RESOLVED');
    await check(randomUUID(), { resolution: 'use_pems' }).expect(404);
    const detail = await h.http().get(`/api/pems/conflicts/${made.conflictId}`).set(h.as()).expect(200);
    expect(detail.body).toEqual(
      expect.objectContaining({ status: 'resolved', resolution: 'merge', mergedData: { monthlyRate: merged }, resolvedBy: { id: h.planner.user.id, username: 'planner' } }),
    );
  });

  it('resolves many at once, each on its own: resolved, already resolved (with who), invalid, not found; one audit entry per conflict resolved', async () => {
    const records = await rentals(5);
    const made = [
      ...(await makeConflicts(
        records.slice(0, 4).map((record) => ({ pfaId: record.pfaId, ours: { model: `Ours ${record.pfaId}` }, theirs: { model: `Theirs ${record.pfaId}` } })),
      )),
      // Ours no longer fits PEMS's record: its new forecastStart is after our forecastEnd.
      ...(await makeConflicts([{ pfaId: records[4].pfaId, ours: { forecastEnd: '2030-01-31' }, theirs: { forecastStart: '2031-01-01', forecastEnd: '2031-12-31' } }], 'sending')),
    ];
    await h.http().post(`/api/pems/conflicts/${made[3].conflictId}/resolve`).set(h.as(h.colleague)).send({ resolution: 'use_pems' }).expect(200);
    await h.dataSource.query('DELETE FROM audit_log');
    const elsewhere = await h.fixtures.organization('ELSEWHERE');
    const unknown = randomUUID();

    await bulk({ conflictIds: [made[0].conflictId], filter: { pfaId: made[0].pfaId }, resolution: 'use_pems' }).expect(400);
    await bulk({ resolution: 'use_pems' }).expect(400);
    await bulk({ conflictIds: Array.from({ length: 1001 }, () => randomUUID()), resolution: 'use_pems' }).expect(400);
    await bulk({ conflictIds: [made[0].conflictId], resolution: 'merge' }).expect(400);
    await h
      .http()
      .post('/api/pems/conflicts/resolve')
      .set(h.as())
      .send({ organizationId: elsewhere.id, conflictIds: [made[0].conflictId], resolution: 'use_pems' })
      .expect(403);

    const answer = await bulk({ conflictIds: [made[0].conflictId, made[1].conflictId, made[3].conflictId, made[4].conflictId, unknown], resolution: 'use_local' }).expect(200);
    const planner = { id: h.planner.user.id, username: 'planner' };
    expect(answer.body).toEqual({
      resolvedCount: 2,
      remaining: 0,
      results: [
        { conflictId: made[0].conflictId, pfaId: made[0].pfaId, outcome: 'resolved', appliedChanges: { model: `Ours ${made[0].pfaId}` }, resolvedBy: planner },
        { conflictId: made[1].conflictId, pfaId: made[1].pfaId, outcome: 'resolved', appliedChanges: { model: `Ours ${made[1].pfaId}` }, resolvedBy: planner },
        { conflictId: made[3].conflictId, pfaId: made[3].pfaId, outcome: 'already_resolved', resolvedBy: { id: h.colleague.user.id, username: 'colleague' } },
        { conflictId: made[4].conflictId, pfaId: made[4].pfaId, outcome: 'invalid', errors: [expect.objectContaining({ field: 'forecastEnd', code: 'INVALID_DATE_ORDER' })] },
        { conflictId: unknown, pfaId: null, outcome: 'not_found' },
      ],
    });
    const audit: Array<{ action: string; target: string; organization_id: string; detail: Json }> = await h.dataSource.query(
      'SELECT action, target, organization_id, detail FROM audit_log ORDER BY target',
    );
    expect(audit).toEqual(
      [made[0], made[1]]
        .map((entry) => ({
          action: 'conflict.resolve',
          target: entry.conflictId,
          organization_id: h.rio.id,
          detail: { resolution: 'use_local', mergedData: null, appliedFields: ['model'], pfaId: entry.pfaId, bulk: true },
        }))
        .sort((x, y) => x.target.localeCompare(y.target)),
    );
    // Each is queued again and reaches PEMS on its own.
    const synced = await waitForModifications(h.dataSource, [made[0].modificationId, made[1].modificationId]);
    expect(synced.map((modification) => modification.status)).toEqual(['synced', 'synced']);
    expect(h.simulator.getRecord('RIO', made[0].pfaId)!.data.model).toBe(`Ours ${made[0].pfaId}`);
    const stored = await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: made[0].conflictId });
    expect(stored).toMatchObject({ status: 'resolved', resolution: 'use_local', resolvedBy: h.planner.user.id });
    expect((await h.modification(made[4].modificationId)).status).toBe('conflict');

    // "All matching": the filter's unresolved conflicts, here the two left; two callers at once resolve each exactly once.
    const [one, other] = await Promise.all([bulk({ filter: {}, resolution: 'use_pems' }), bulk({ filter: { status: 'unresolved' }, resolution: 'use_pems' }, h.colleague)]);
    const results: Json[] = [...one.body.results, ...other.body.results];
    for (const left of [made[2], made[4]]) {
      const outcomes = results.filter((result) => result.conflictId === left.conflictId).map((result) => result.outcome);
      expect(outcomes.filter((outcome) => outcome === 'resolved')).toHaveLength(1);
      expect(outcomes.every((outcome) => outcome === 'resolved' || outcome === 'already_resolved')).toBe(true);
    }
    expect(one.body.resolvedCount + other.body.resolvedCount).toBe(2);
    expect((await list({ status: 'unresolved' }).expect(200)).body.total).toBe(0);
    expect((await bulk({ filter: { status: 'resolved' }, resolution: 'use_pems' }).expect(200)).body).toEqual({ resolvedCount: 0, results: [], remaining: 0 });
  });

  it("keeps a bulk resolution when its audit entries cannot be written (the entry's savepoint is rolled back, not the resolution)", async () => {
    const [record] = await rentals(1);
    const [made] = await makeConflicts([{ pfaId: record.pfaId, ours: { model: 'Ours' }, theirs: { model: 'Theirs' } }]);
    await h.dataSource.query('ALTER TABLE audit_log ADD CONSTRAINT ck_test_refuse_all CHECK (false) NOT VALID');
    try {
      const answer = await bulk({ conflictIds: [made.conflictId], resolution: 'use_pems' }).expect(200);
      expect(answer.body.resolvedCount).toBe(1);
    } finally {
      await h.dataSource.query('ALTER TABLE audit_log DROP CONSTRAINT ck_test_refuse_all');
    }
    expect(await h.dataSource.getRepository(PfaSyncConflict).findOneByOrFail({ id: made.conflictId })).toMatchObject({ status: 'resolved', resolution: 'use_pems' });
    expect((await h.modification(made.modificationId)).status).toBe('synced');
    const metrics = await h.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/pems_sync_audit_write_failures_total\{action="conflict.resolve"\} 1/);
  });

  it('restores a version: the preview lists the editable fields that differ; the restore is an edit with a reason, validated like any', async () => {
    const [rental, other] = await rentals(2);
    const before = await h.recordOf(rental.pfaId);
    // PEMS moves on: an editable field and a plan field; then our own edit on top.
    h.simulator.changeRecord('RIO', rental.pfaId, { model: 'Changed in PEMS', originalStart: '2024-01-01' });
    await h.readSync();
    await h.edit(rental.pfaId, { monthlyRate: rental.monthlyRate + 250 }, h.colleague);
    const now = await h.recordOf(rental.pfaId);
    expect(now.version).toBe(before.version + 1);

    const preview = await h.http().get(`/api/pfa/${before.id}/restore-preview`).query({ version: before.version }).set(h.as()).expect(200);
    expect(preview.body).toEqual({
      recordId: before.id,
      pfaId: rental.pfaId,
      version: before.version,
      seenAt: expect.any(String),
      changes: [
        { field: 'model', current: 'Changed in PEMS', restored: before.data.model ?? null },
        { field: 'monthlyRate', current: rental.monthlyRate + 250, restored: rental.monthlyRate },
      ],
    });
    await h
      .http()
      .get(`/api/pfa/${before.id}/restore-preview`)
      .query({ version: before.version + 5 })
      .set(h.as())
      .expect(404);
    await h.http().post(`/api/pfa/${before.id}/restore`).set(h.as()).send({ version: before.version }).expect(400);
    await h.http().post(`/api/pfa/${before.id}/restore`).set(h.as()).send({ version: before.version, changeReason: '   ' }).expect(400);
    const reader = await h.fixtures.user('reader', [[h.rio, ['perm_Read']]]);
    await h.http().post(`/api/pfa/${before.id}/restore`).set(h.as(reader)).send({ version: before.version, changeReason: 'Undo' }).expect(403);

    const restored = await h.http().post(`/api/pfa/${before.id}/restore`).set(h.as()).send({ version: before.version, changeReason: 'Undo the rate and the model' }).expect(201);
    expect(restored.body).toEqual(
      expect.objectContaining({
        recordId: before.id,
        status: 'pending',
        changes: { model: before.data.model ?? null, monthlyRate: rental.monthlyRate },
        changeReason: 'Undo the rate and the model',
        baseVersion: now.version,
      }),
    );
    const [entry] = await h.dataSource.query(`SELECT target, detail FROM audit_log WHERE action = 'pfa.restore'`);
    expect(entry).toEqual({
      target: rental.pfaId,
      detail: { recordId: before.id, version: before.version, modificationId: restored.body.id, changes: restored.body.changes, changeReason: 'Undo the rate and the model' },
    });
    // Nothing left to restore: the normal edit's NO_CHANGE.
    expect((await h.http().get(`/api/pfa/${before.id}/restore-preview`).query({ version: before.version }).set(h.as()).expect(200)).body.changes).toEqual([]);
    const again = await h.http().post(`/api/pfa/${before.id}/restore`).set(h.as()).send({ version: before.version, changeReason: 'Once more' }).expect(400);
    expect(again.body.errors).toEqual([expect.objectContaining({ code: 'NO_CHANGE' })]);

    // A version the record can no longer go back to: discontinued in PEMS since, and never un-discontinued.
    const otherBefore = await h.recordOf(other.pfaId);
    h.simulator.changeRecord('RIO', other.pfaId, { isDiscontinued: true });
    await h.readSync();
    const refused = await h.http().post(`/api/pfa/${otherBefore.id}/restore`).set(h.as()).send({ version: otherBefore.version, changeReason: 'Back in service' }).expect(400);
    expect(refused.body).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'isDiscontinued' })] }));
  });
});
