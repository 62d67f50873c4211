import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictsAreNotFailures1764000000005 } from '../migrations/1764000000005-ConflictsAreNotFailures';
import { PfaSyncConflict } from '../src/conflicts/entities/pfa-sync-conflict.entity';
import { waitForModifications } from './support/write-sync-helpers';
import { SIM_CREDENTIALS, SIM_TENANT, WriteSyncHarness, pfaIds, waitUntil } from './support/write-sync-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The write-sync REST API as a user drives it: queueing, status, the queue viewer, retry and cancel. */
describe('write sync API (e2e)', () => {
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset(30);
  });
  afterAll(async () => {
    await h.stop();
  });

  async function editMany(ids: string[], label: string): Promise<string[]> {
    const modifications: string[] = [];
    for (const pfaId of ids) modifications.push(await h.edit(pfaId, { model: `${pfaId} ${label}` }));
    return modifications;
  }

  describe('POST /api/pems/write-sync', () => {
    it('without modificationIds queues every pending modification of the organization, and they reach PEMS', async () => {
      const ids = await editMany(pfaIds(3), 'all');
      const body = await h.queueOk();
      expect(body).toEqual({ success: true, jobId: expect.stringMatching(UUID), queuedCount: 3, estimatedCompletionTime: expect.stringMatching(ISO) });

      const modifications = await waitForModifications(h.dataSource, ids);
      expect(modifications.map((modification) => modification.status)).toEqual(['synced', 'synced', 'synced']);
      for (const pfaId of pfaIds(3)) expect(h.simulator.getRecord('RIO', pfaId)!.data.model).toBe(`${pfaId} all`);
      const jobs = await h.dataSource.query('SELECT DISTINCT job_id FROM pfa_write_queue');
      expect(jobs).toEqual([{ job_id: body.jobId }]);
    });

    it('with modificationIds queues only the listed ones', async () => {
      const [first, second, third] = await editMany(pfaIds(3), 'listed');
      const body = await h.queueOk({ modificationIds: [first, third] });
      expect(body.queuedCount).toBe(2);

      await waitForModifications(h.dataSource, [first, third], ['synced']);
      expect((await h.modification(second)).status).toBe('pending');
      expect(await h.itemsOf(second)).toEqual([]);
      expect(
        h
          .updates()
          .map((entry) => entry.pfaId)
          .sort(),
      ).toEqual(['PFA-10001', 'PFA-10003']);
    });

    it('nothing pending: 200 with queuedCount 0, and a second call does not queue anything twice', async () => {
      const empty = await h.queue().expect(200);
      expect(empty.body).toMatchObject({ success: true, queuedCount: 0 });

      const [id] = await editMany(pfaIds(1), 'once');
      expect((await h.queueOk()).queuedCount).toBe(1);
      const again = await h.queue().expect(200);
      expect(again.body.queuedCount).toBe(0);
      await waitForModifications(h.dataSource, [id], ['synced']);
      expect(await h.queueRowCount()).toBe(1);
      expect(h.updates()).toHaveLength(1);
    });

    it('a modification that no longer passes validation (PEMS moved the record under it): 400 with its errors, nothing queued', async () => {
      const record = await h.recordOf('PFA-10001');
      const newStart = addDays(record.data.forecastEnd as string, -5);
      const bad = await h.edit('PFA-10001', { forecastStart: newStart });
      const good = await h.edit('PFA-10002', { model: 'fine on its own' });
      // Someone moves the forecast end in PEMS before our start; the read sync brings it into the mirror.
      h.simulator.changeRecord('RIO', 'PFA-10001', { forecastEnd: addDays(newStart, -10) });
      await h.readSync();
      h.simulator.clearLog();

      const response = await h.queue().expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(new RegExp(`^${bad}\\.forecast(Start|End)$`)), code: 'INVALID_DATE_ORDER' })]),
      );
      expect(response.body.errors.every((error: { field: string }) => error.field.startsWith(`${bad}.`))).toBe(true);

      expect(await h.queueRowCount()).toBe(0);
      expect((await h.modification(bad)).status).toBe('pending');
      expect((await h.modification(good)).status).toBe('pending');
      await sleep(300);
      expect(h.updates()).toEqual([]);
    });

    it('a modification invalid in itself (stored by an older version or by hand): 400 naming it, nothing queued', async () => {
      const good = await h.edit('PFA-10002', { model: 'fine' });
      const record = await h.recordOf('PFA-10003');
      const [{ id: bad }] = await h.dataSource.query(
        `INSERT INTO pfa_modification (organization_id, record_id, user_id, changes, base_values, base_version, status)
         VALUES ($1, $2, $3, '{"monthlyRate": -5, "source": "Leased"}', $4, $5, 'pending') RETURNING id`,
        [h.rio.id, record.id, h.planner.user.id, JSON.stringify({ monthlyRate: record.data.monthlyRate ?? null, source: record.data.source }), record.version],
      );

      const response = await h.queue().expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: `${bad}.monthlyRate`, code: 'INVALID_VALUE' }),
          expect.objectContaining({ field: `${bad}.source`, code: 'INVALID_ENUM_VALUE' }),
        ]),
      );
      expect(JSON.stringify(response.body.errors)).not.toContain(good);
      expect(await h.queueRowCount()).toBe(0);
      expect((await h.modification(good)).status).toBe('pending');

      // Listing only the good one queues it.
      expect((await h.queueOk({ modificationIds: [good] })).queuedCount).toBe(1);
      await waitForModifications(h.dataSource, [good], ['synced']);
    });

    it('listed ids of another organization, unknown or discarded: 400 naming each of them, nothing queued', async () => {
      const lisbon = await h.fixtures.organization('LIS');
      const lisbonPlanner = await h.fixtures.user('lisbon-planner', [[lisbon, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
      const lisbonRecord = await h.fixtures.record(lisbon, 'PFA-90001');
      const foreign = await h
        .http()
        .patch(`/api/pfa/${lisbonRecord.id}`)
        .set(h.as(lisbonPlanner))
        .send({ changes: { model: 'LIS edit' } })
        .expect(201);
      const good = await h.edit('PFA-10001', { model: 'good' });
      const discarded = await h.edit('PFA-10002', { model: 'changed my mind' });
      await h.http().delete(`/api/pfa/modifications/${discarded}`).set(h.as()).expect(200);
      const unknown = randomUUID();

      const response = await h.queue({ modificationIds: [good, foreign.body.id, unknown, discarded] }).expect(400);
      const text = JSON.stringify(response.body);
      for (const id of [foreign.body.id, unknown, discarded]) expect(text).toContain(id);
      expect(text).not.toContain(good);
      expect(await h.queueRowCount()).toBe(0);
      expect((await h.modification(good)).status).toBe('pending');
      expect((await h.modification(foreign.body.id)).status).toBe('pending');
    });

    it('no write-enabled API server: 409 with a clear message, nothing queued', async () => {
      const id = await h.edit('PFA-10001', { model: 'nowhere to go' });
      await h.putApiServer({ writeEnabled: false }).expect(200);
      const readOnly = await h.queue().expect(409);
      expect(readOnly.body.message).toMatch(/write-enabled/);

      await h.putApiServer({ writeEnabled: true, isActive: false }).expect(200);
      const inactive = await h.queue().expect(409);
      expect(inactive.body.message).toMatch(/PEMS API server/);

      await h.dataSource.query('DELETE FROM api_servers');
      const none = await h.queue().expect(409);
      expect(none.body.message).toMatch(/PEMS API server/);
      expect(await h.queueRowCount()).toBe(0);
      expect((await h.modification(id)).status).toBe('pending');
    });

    it('five concurrent calls queue each modification exactly once', async () => {
      const ids = await editMany(pfaIds(12), 'raced');
      const responses = await Promise.all(Array.from({ length: 5 }, () => h.queue()));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
      expect(responses.reduce((sum, response) => sum + response.body.queuedCount, 0)).toBe(12);

      await waitForModifications(h.dataSource, ids, ['synced']);
      const rows: Array<{ modification_id: string; count: number }> = await h.dataSource.query(
        'SELECT modification_id, count(*)::int AS count FROM pfa_write_queue GROUP BY modification_id',
      );
      expect(rows).toHaveLength(12);
      expect(rows.every((row) => row.count === 1)).toBe(true);
      const sent = h.updates().map((entry) => entry.pfaId);
      expect(sent.sort()).toEqual(pfaIds(12));
    });

    it('priority: items queued with a higher priority are sent before a waiting backlog', async () => {
      await h.holdServer();
      const low = await editMany(pfaIds(25), 'low');
      expect((await h.queueOk({ priority: 1 })).queuedCount).toBe(25);
      const high = await editMany(pfaIds(5, 25), 'high');
      expect((await h.queueOk({ priority: 9 })).queuedCount).toBe(5);
      await h.releaseServer();
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]); // what any instance's queueing does

      await waitForModifications(h.dataSource, [...low, ...high], ['synced']);
      const order = h.updates().map((entry) => entry.pfaId);
      expect(order).toHaveLength(30);
      // Claims take about a second of sends at a time; the five urgent ones are in the first.
      expect(order.slice(0, 10)).toEqual(expect.arrayContaining(pfaIds(5, 25)));
      await h.queue({ priority: 11 }).expect(400);
    });

    it('estimatedCompletionTime follows the backlog ahead at the rate limit (10/s)', async () => {
      await h.holdServer(); // nothing drains while we measure
      await editMany(pfaIds(30), 'backlog');
      const before = Date.now();
      const first = await h.queueOk();
      const firstSeconds = (Date.parse(first.estimatedCompletionTime) - before) / 1000;
      expect(firstSeconds).toBeGreaterThan(2.8);
      expect(firstSeconds).toBeLessThan(4);

      // Ten more edits queued behind the thirty: about one second later.
      for (const pfaId of pfaIds(10)) await h.edit(pfaId, { manufacturer: `${pfaId} maker` }, h.colleague);
      const secondAt = Date.now();
      const second = await h.queueOk();
      expect(second.queuedCount).toBe(10);
      const secondSeconds = (Date.parse(second.estimatedCompletionTime) - secondAt) / 1000;
      expect(secondSeconds).toBeGreaterThan(3.8);
      expect(secondSeconds).toBeLessThan(5);
      expect(secondSeconds).toBeGreaterThan(firstSeconds + 0.8);
    });
  });

  describe('GET /api/pems/sync-status', () => {
    it('with nothing yet: zero counts, successRate 100, avgSyncTime null, healthy, no items', async () => {
      const response = await h.syncStatus().expect(200);
      expect(response.body).toEqual({
        totalQueued: 0,
        processing: 0,
        completed: 0,
        failed: 0,
        avgSyncTime: null,
        lastSyncAt: null,
        nextSyncAt: expect.stringMatching(ISO),
        health: 'healthy',
        successRate: 100,
        conflicts: 0,
      });
    });

    it('after writes: completed in the last 24 h, the mean time from queueing to completion, the last sync; status=completed adds the items', async () => {
      const queuedAt = Date.now();
      const ids = await editMany(pfaIds(3), 'counted');
      await h.queueOk();
      await waitForModifications(h.dataSource, ids, ['synced']);

      const response = await h.syncStatus().expect(200);
      expect(response.body).toMatchObject({ totalQueued: 0, processing: 0, completed: 3, failed: 0, successRate: 100, health: 'healthy' });
      expect(response.body.avgSyncTime).toEqual(expect.any(Number));
      expect(response.body.avgSyncTime).toBeGreaterThanOrEqual(0);
      expect(response.body.avgSyncTime).toBeLessThan(Date.now() - queuedAt);
      expect(Date.parse(response.body.lastSyncAt)).toBeGreaterThanOrEqual(queuedAt - 1000);
      expect(response.body.items).toBeUndefined();

      const withItems = await h.syncStatus({ status: 'completed' }).expect(200);
      expect(withItems.body.items.map((item: { pfaId: string }) => item.pfaId).sort()).toEqual(pfaIds(3));
      expect(withItems.body.items[0]).toMatchObject({ status: 'completed', retryCount: 0, lastStatusCode: 200 });
      const none = await h.syncStatus({ status: 'failed' }).expect(200);
      expect(none.body.items).toEqual([]);
    });

    it('the 24-hour counts follow every change of an item: a failure retried by an operator, items older than a day, the retention', async () => {
      h.simulator.setFaults({ statusShares: { 403: 1 } });
      const [refused] = await editMany(['PFA-10001'], 'refused once');
      await h.queueOk();
      await waitForModifications(h.dataSource, [refused], ['failed']);
      h.simulator.clearFaults();
      const synced = await editMany(pfaIds(3, 2), 'synced');
      await h.queueOk();
      await waitForModifications(h.dataSource, synced, ['synced']);
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 3, failed: 1, successRate: 75 });

      // Retried by an operator and synced: counted once, as completed.
      await h.http().post('/api/pems/write-queue/retry').set(h.as()).send({ organizationId: h.rio.id }).expect(200);
      await waitForModifications(h.dataSource, [refused], ['synced']);
      const retried = (await h.syncStatus().expect(200)).body;
      expect(retried).toMatchObject({ completed: 4, failed: 0, successRate: 100 });
      const [{ avg_ms: avgMs }] = await h.dataSource.query(
        `SELECT avg(EXTRACT(EPOCH FROM completed_at - created_at) * 1000)::float8 AS avg_ms FROM pfa_write_queue WHERE organization_id = $1 AND status = 'completed'`,
        [h.rio.id],
      );
      expect(retried.avgSyncTime).toBe(Math.round(avgMs));

      // Finished more than 24 hours ago: no longer counted, and deleting it changes nothing.
      const old = await h.itemOf(synced[0]);
      await h.dataSource.query(`UPDATE pfa_write_queue SET completed_at = now() - interval '30 hours' WHERE id = $1`, [old.id]);
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 3, failed: 0 });
      await h.dataSource.query(`DELETE FROM pfa_write_queue WHERE id = $1`, [old.id]);
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 3, failed: 0 });
      // A recent item deleted (an operator's clean-up) leaves the counts.
      await h.dataSource.query(`DELETE FROM pfa_write_queue WHERE id = $1`, [(await h.itemOf(synced[1])).id]);
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 2, failed: 0 });
    });

    it('a conflict is a decision for a person, not a sync failure: out of failed and successRate, counted in conflicts until resolved', async () => {
      // A quiet organization: three writes and one ordinary conflict.
      const synced = await editMany(pfaIds(3), 'synced');
      const conflicted = await h.edit('PFA-10010', { model: 'ours' });
      h.simulator.changeRecord('RIO', 'PFA-10010', { model: 'theirs' });
      await h.queueOk();
      await waitForModifications(h.dataSource, synced, ['synced']);
      await waitForModifications(h.dataSource, [conflicted], ['conflict']);
      const conflictItem = await h.itemOf(conflicted);
      expect(conflictItem).toMatchObject({ status: 'failed', lastError: 'VERSION_CONFLICT' });

      const withConflict = (await h.syncStatus().expect(200)).body;
      expect(withConflict).toMatchObject({ completed: 3, failed: 0, successRate: 100, health: 'healthy', conflicts: 1 });
      expect(withConflict.healthReasons).toBeUndefined();
      // The queue item itself stays failed, with its reason.
      const failedItems = (await h.syncStatus({ status: 'failed' }).expect(200)).body.items;
      expect(failedItems).toEqual([expect.objectContaining({ id: conflictItem.id, status: 'failed', lastError: 'VERSION_CONFLICT' })]);

      // The minute counts follow an item that moves between a failure and a conflict, both ways.
      await h.dataSource.query(`UPDATE pfa_write_queue SET last_error = 'PEMS said no' WHERE id = $1`, [conflictItem.id]);
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 3, failed: 1, successRate: 75, health: 'unhealthy', conflicts: 1 });
      await h.dataSource.query(`UPDATE pfa_write_queue SET last_error = 'VERSION_CONFLICT' WHERE id = $1`, [conflictItem.id]);
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 3, failed: 0, successRate: 100, health: 'healthy', conflicts: 1 });

      const [conflict] = await h.dataSource.getRepository(PfaSyncConflict).findBy({ modificationId: conflicted, status: 'unresolved' });
      await h.http().post(`/api/pems/conflicts/${conflict.id}/resolve`).set(h.as()).send({ resolution: 'use_pems' }).expect(200);
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 3, failed: 0, successRate: 100, health: 'healthy', conflicts: 0 });
      expect(await h.itemOf(conflicted)).toMatchObject({ status: 'failed', lastError: 'VERSION_CONFLICT' });
    });

    it('the migration that stops counting conflicts as failures counts the last 25 hours again; its down counts them as failures again', async () => {
      const synced = await editMany(pfaIds(3), 'synced');
      const conflicted = await h.edit('PFA-10010', { model: 'ours' });
      h.simulator.changeRecord('RIO', 'PFA-10010', { model: 'theirs' });
      await h.queueOk();
      await waitForModifications(h.dataSource, [...synced, conflicted]);
      await h.quiesce();
      const counts = async () => {
        const { completed, failed, successRate, conflicts } = (await h.syncStatus().expect(200)).body;
        return { completed, failed, successRate, conflicts };
      };
      const migrate = async (direction: 'up' | 'down') => {
        const runner = h.dataSource.createQueryRunner();
        await runner.connect();
        await runner.startTransaction();
        try {
          await new ConflictsAreNotFailures1764000000005()[direction](runner);
          await runner.commitTransaction();
        } finally {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          await runner.release();
        }
      };
      expect(await counts()).toEqual({ completed: 3, failed: 0, successRate: 100, conflicts: 1 });

      await migrate('down');
      expect(await counts()).toEqual({ completed: 3, failed: 1, successRate: 75, conflicts: 1 });
      // The old triggers are back: the item leaving the failures entirely takes away what they counted.
      const item = await h.itemOf(conflicted);
      await h.dataSource.query(`UPDATE pfa_write_queue SET completed_at = now() - interval '30 hours' WHERE id = $1`, [item.id]);
      expect(await counts()).toEqual({ completed: 3, failed: 0, successRate: 100, conflicts: 1 });
      await h.dataSource.query(`UPDATE pfa_write_queue SET completed_at = now() WHERE id = $1`, [item.id]);
      expect(await counts()).toMatchObject({ failed: 1 });

      // Minutes that drifted (here: counted as the old triggers did, plus noise) are counted again from the queue.
      await h.dataSource.query(`UPDATE pfa_write_sync_minutes SET failed = failed + 7, completed = completed + 2 WHERE organization_id = $1`, [h.rio.id]);
      await migrate('up');
      expect(await counts()).toEqual({ completed: 3, failed: 0, successRate: 100, conflicts: 1 });
      await h.dataSource.query(`UPDATE pfa_write_queue SET completed_at = now() - interval '30 hours' WHERE id = $1`, [item.id]);
      await h.dataSource.query(`UPDATE pfa_write_queue SET completed_at = now() WHERE id = $1`, [item.id]);
      expect(await counts()).toEqual({ completed: 3, failed: 0, successRate: 100, conflicts: 1 });
    });

    it('items waiting count in totalQueued, items being sent in processing', async () => {
      await h.holdServer();
      await editMany(pfaIds(4), 'waiting');
      await h.queueOk();
      const waiting = await h.syncStatus({ status: 'pending' }).expect(200);
      expect(waiting.body).toMatchObject({ totalQueued: 4, processing: 0 });
      expect(waiting.body.items).toHaveLength(4);
      expect(waiting.body.nextSyncAt).toMatch(ISO);

      h.simulator.setFaults({ latencyMs: 1000 });
      await h.releaseServer();
      const [slow] = await editMany(['PFA-10010'], 'slow');
      await h.queueOk({ modificationIds: [slow] });
      const busy = await waitUntil('items in flight', async () => {
        const response = await h.syncStatus().expect(200);
        return response.body.processing > 0 ? response.body : null;
      });
      expect(busy.processing + busy.totalQueued + busy.completed).toBe(5);
    });

    it('health follows the success rate: healthy at 95 %, degraded below, unhealthy below 80 %', async () => {
      // PEMS has lost the last records: writes to them fail (404, not retried).
      const lost = pfaIds(6, 19);
      for (const pfaId of lost) h.simulator.deleteRecord('RIO', pfaId);

      const firstRound = await editMany([...pfaIds(19), lost[0]], 'round 1');
      await h.queueOk();
      await waitForModifications(h.dataSource, firstRound);
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 19, failed: 1, successRate: 95, health: 'healthy' });

      const secondRound = await editMany(lost.slice(1, 3), 'round 2');
      await h.queueOk();
      await waitForModifications(h.dataSource, secondRound);
      const degraded = (await h.syncStatus().expect(200)).body;
      expect(degraded).toMatchObject({ completed: 19, failed: 3, health: 'degraded' });
      expect(degraded.successRate).toBeCloseTo((19 / 22) * 100, 1);

      const thirdRound = await editMany(lost.slice(3), 'round 3');
      await h.queueOk();
      await waitForModifications(h.dataSource, thirdRound);
      const unhealthy = (await h.syncStatus().expect(200)).body;
      expect(unhealthy).toMatchObject({ completed: 19, failed: 6, health: 'unhealthy' });
      expect(unhealthy.successRate).toBeCloseTo(76, 1);
    });

    it('unhealthy while PEMS rejects the credentials, with the reason and never the secret', async () => {
      h.simulator.setCredentials(SIM_TENANT, { username: SIM_CREDENTIALS.username, password: 'changed-in-pems' });
      const id = await h.edit('PFA-10001', { model: 'refused' });
      await h.queueOk();
      await waitForModifications(h.dataSource, [id], ['failed']);

      const { body } = await h.syncStatus().expect(200);
      expect(body).toMatchObject({ failed: 1, completed: 0, successRate: 0, health: 'unhealthy' });
      expect(body.healthReasons.join(' ')).toMatch(/rejected the credentials/);
      expect(JSON.stringify(body)).not.toContain(SIM_CREDENTIALS.password);
      expect(JSON.stringify(body)).not.toContain('changed-in-pems');
    });
  });

  describe('GET /api/pems/write-queue', () => {
    it('pages the queue items, newest first, with their attempts and last error; filters by status', async () => {
      const ids = await editMany(pfaIds(7), 'paged');
      await h.queueOk();
      await waitForModifications(h.dataSource, ids, ['synced']);

      const list = (query: Record<string, unknown>) =>
        h
          .http()
          .get('/api/pems/write-queue')
          .query({ organizationId: h.rio.id, ...query })
          .set(h.as());
      const first = await list({ pageSize: 3 }).expect(200);
      expect(first.body).toMatchObject({ total: 7, page: 1, pageSize: 3 });
      expect(first.body.items).toHaveLength(3);
      expect(first.body.items[0]).toMatchObject({
        id: expect.stringMatching(UUID),
        modificationId: expect.stringMatching(UUID),
        pfaId: expect.stringMatching(/^PFA-/),
        status: 'completed',
        retryCount: 0,
        maxRetries: 3,
        lastError: null,
        lastStatusCode: 200,
        changes: { model: expect.stringMatching(/paged$/) },
        baseVersion: expect.any(Number),
      });
      const third = await list({ page: 3, pageSize: 3 }).expect(200);
      expect(third.body.items).toHaveLength(1);
      const second = await list({ page: 2, pageSize: 3 }).expect(200);
      const all = [...first.body.items, ...second.body.items, ...third.body.items];
      expect(new Set(all.map((item: { id: string }) => item.id)).size).toBe(7);
      // Newest first: the last queued record (by queue order) comes first.
      expect(all.map((item: { pfaId: string }) => item.pfaId)).toEqual([...pfaIds(7)].reverse());

      expect((await list({ status: 'failed' }).expect(200)).body).toMatchObject({ items: [], total: 0 });
      expect((await list({ status: 'completed' }).expect(200)).body.total).toBe(7);
      await list({ pageSize: 501 }).expect(400);
    });
  });

  describe('POST /api/pems/write-queue/retry', () => {
    it('puts failed items back to pending and they sync; a conflict item is skipped with a reason', async () => {
      h.simulator.setFaults({ statusShares: { 403: 1 } });
      const refused = await h.edit('PFA-10001', { model: 'refused once' });
      await h.queueOk();
      await waitForModifications(h.dataSource, [refused], ['failed']);
      h.simulator.clearFaults();

      const conflicted = await h.edit('PFA-10002', { model: 'ours' });
      h.simulator.changeRecord('RIO', 'PFA-10002', { model: 'theirs' });
      await h.queueOk();
      await waitForModifications(h.dataSource, [conflicted], ['conflict']);
      const conflictItem = await h.itemOf(conflicted);
      const refusedItem = await h.itemOf(refused);

      const response = await h.http().post('/api/pems/write-queue/retry').set(h.as()).send({ organizationId: h.rio.id }).expect(200);
      expect(response.body.retriedCount).toBe(1);
      expect(response.body.skipped).toEqual([{ id: conflictItem.id, reason: expect.stringMatching(/conflict/) }]);

      const [modification] = await waitForModifications(h.dataSource, [refused], ['synced']);
      expect(modification.syncError).toBeNull();
      expect(h.simulator.getRecord('RIO', 'PFA-10001')!.data.model).toBe('refused once');
      expect(await h.itemOf(refused)).toMatchObject({ id: refusedItem.id, status: 'completed', lastStatusCode: 200 });
      // The conflict stays for a person to resolve.
      expect((await h.modification(conflicted)).status).toBe('conflict');
      expect(await h.dataSource.getRepository(PfaSyncConflict).countBy({ status: 'unresolved' })).toBe(1);
      expect(h.simulator.getRecord('RIO', 'PFA-10002')!.data.model).toBe('theirs');

      // Listed: a completed item is not retried, and says why.
      const listed = await h
        .http()
        .post('/api/pems/write-queue/retry')
        .set(h.as())
        .send({ organizationId: h.rio.id, ids: [refusedItem.id] })
        .expect(200);
      expect(listed.body).toEqual({ retriedCount: 0, skipped: [{ id: refusedItem.id, reason: expect.stringMatching(/completed/) }] });
    });
  });

  describe('POST /api/pems/write-queue/:id/cancel', () => {
    it('cancels a pending item; its modification is pending again and can be queued again', async () => {
      await h.holdServer();
      const id = await h.edit('PFA-10001', { model: 'later' });
      await h.queueOk();
      const item = await h.itemOf(id);
      expect(item.status).toBe('pending');

      const response = await h.http().post(`/api/pems/write-queue/${item.id}/cancel`).set(h.as()).expect(200);
      expect(response.body).toMatchObject({ id: item.id, status: 'cancelled' });
      expect((await h.modification(id)).status).toBe('pending');
      const cancelled = await h.http().get('/api/pems/write-queue').query({ organizationId: h.rio.id, status: 'cancelled' }).set(h.as()).expect(200);
      expect(cancelled.body.total).toBe(1);

      await h.releaseServer();
      expect((await h.queueOk()).queuedCount).toBe(1);
      await waitForModifications(h.dataSource, [id], ['synced']);
      expect(h.updates()).toHaveLength(1);
      expect(h.simulator.getRecord('RIO', 'PFA-10001')!.data.model).toBe('later');
    });

    it('an item being sent, or done, cannot be cancelled: 409', async () => {
      h.simulator.setFaults({ latencyMs: 800 });
      const id = await h.edit('PFA-10001', { model: 'in flight' });
      await h.queueOk();
      const item = await waitUntil('the item in flight', async () => {
        const [row] = await h.itemsOf(id);
        return row?.status === 'processing' ? row : null;
      });
      const busy = await h.http().post(`/api/pems/write-queue/${item.id}/cancel`).set(h.as()).expect(409);
      expect(busy.body.message).toMatch(/processing/);

      const [sent] = await waitForModifications(h.dataSource, [id]);
      expect(sent.status).toBe('synced');
      const done = await h.http().post(`/api/pems/write-queue/${item.id}/cancel`).set(h.as()).expect(409);
      expect(done.body.message).toMatch(/completed/);
      expect((await h.modification(id)).status).toBe('synced');
      await h.http().post(`/api/pems/write-queue/${randomUUID()}/cancel`).set(h.as()).expect(404);
    });
  });
});
