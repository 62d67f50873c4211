import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictStore } from '../src/conflicts/conflict-store';
import { Organization } from '../src/organizations/entities/organization.entity';
import { PfaModification } from '../src/pfa/entities/pfa-modification.entity';
import { PfaWriteQueueItem } from '../src/write-queue/entities/pfa-write-queue.entity';
import { HeldRowLock, waitForLockWaiters } from './support/database-locks';
import { snapshotDatabase } from './support/database-snapshot';
import { TestUser, craneData } from './support/fixtures';
import { waitForModifications } from './support/write-sync-helpers';
import { WriteSyncHarness, pfaIds, waitUntil } from './support/write-sync-harness';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/;

/**
 * What the web console adds to the API (console-contract.md, section A items 1, 2, 3, 6):
 * sorting records, "my unsynced edits", the queue's filters, detail, retry and cancel of all
 * matching, and the per-minute timeline.
 */
describe('console API additions (e2e)', () => {
  let h: WriteSyncHarness;
  let errors: string[];

  beforeAll(async () => {
    errors = [];
    const logger = {
      log: () => undefined,
      warn: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
      error: (message: unknown) => errors.push(String(message)),
    };
    h = await WriteSyncHarness.start({}, logger);
  });
  beforeEach(async () => {
    await h.reset(12);
    errors.length = 0;
  });
  afterAll(async () => {
    await h.stop();
  });

  const get = (path: string, query: Record<string, unknown>, user: TestUser = h.planner) =>
    h
      .http()
      .get(path)
      .query({ organizationId: h.rio.id, ...query })
      .set(h.as(user));
  const post = (path: string, body: Record<string, unknown>, user: TestUser = h.planner) =>
    h
      .http()
      .post(path)
      .set(h.as(user))
      .send({ organizationId: h.rio.id, ...body });

  /** Edits each record, queues them, and answers each one's modification and queue item (pending while the server is held). */
  async function queued(ids: string[], label = 'queued'): Promise<Array<{ pfaId: string; modificationId: string; item: PfaWriteQueueItem }>> {
    const made = [];
    for (const pfaId of ids) made.push({ pfaId, modificationId: await h.edit(pfaId, { model: `${pfaId} ${label}` }) });
    await h.queueOk({ modificationIds: made.map((entry) => entry.modificationId) });
    return Promise.all(made.map(async (entry) => ({ ...entry, item: await h.itemOf(entry.modificationId) })));
  }

  /** Every item's status and every modification's status: what a refused request must leave alone. */
  async function queueState() {
    return h.dataSource.query(
      `SELECT q.id, q.status, q.retry_count, m.status AS modification_status FROM pfa_write_queue q JOIN pfa_modification m ON m.id = q.modification_id ORDER BY q.id`,
    );
  }

  describe('GET /api/pfa: sort and order', () => {
    let sorted: Organization;
    let reader: TestUser;

    beforeEach(async () => {
      sorted = await h.fixtures.organization('SRT');
      reader = await h.fixtures.user('sorter', [[sorted, ['perm_Read']]]);
      const rows: Array<[string, Record<string, unknown>]> = [
        ['B-2', { manufacturer: 'Liebherr', forecastStart: '2026-03-01', category: 'Cranes' }],
        ['A-1', { manufacturer: 'Manitowoc', forecastStart: '2026-01-15', category: null }],
        ['C-3', { manufacturer: null, forecastStart: null, category: 'Trucks' }],
        ['A-2', { manufacturer: 'Liebherr', forecastStart: '2026-02-01', category: 'Cranes' }],
        ['D-4', { manufacturer: 'Grove', forecastStart: '2026-01-20', category: 'Cranes' }],
      ];
      for (const [pfaId, overrides] of rows) await h.fixtures.record(sorted, pfaId, craneData(overrides as never));
    });

    const listed = async (query: Record<string, unknown>) => {
      const response = await h
        .http()
        .get('/api/pfa')
        .query({ organizationId: sorted.id, ...query })
        .set(h.as(reader))
        .expect(200);
      return response.body.items.map((record: { pfaId: string }) => record.pfaId);
    };

    it('sorts by pfaId ascending by default; any column either way, records without a value last, ties by pfaId', async () => {
      expect(await listed({})).toEqual(['A-1', 'A-2', 'B-2', 'C-3', 'D-4']);
      expect(await listed({ order: 'desc' })).toEqual(['D-4', 'C-3', 'B-2', 'A-2', 'A-1']);
      expect(await listed({ sort: 'manufacturer' })).toEqual(['D-4', 'A-2', 'B-2', 'A-1', 'C-3']);
      expect(await listed({ sort: 'manufacturer', order: 'desc' })).toEqual(['A-1', 'B-2', 'A-2', 'D-4', 'C-3']);
      expect(await listed({ sort: 'forecastStart' })).toEqual(['A-1', 'D-4', 'A-2', 'B-2', 'C-3']);
      expect(await listed({ sort: 'forecastStart', order: 'desc' })).toEqual(['B-2', 'A-2', 'D-4', 'A-1', 'C-3']);
      expect(await listed({ sort: 'category', order: 'asc' })).toEqual(['A-2', 'B-2', 'D-4', 'C-3', 'A-1']);
      // Pages follow the same order and never overlap.
      const pages = [
        ...(await listed({ sort: 'manufacturer', pageSize: 2 })),
        ...(await listed({ sort: 'manufacturer', pageSize: 2, page: 2 })),
        ...(await listed({ sort: 'manufacturer', pageSize: 2, page: 3 })),
      ];
      expect(pages).toEqual(['D-4', 'A-2', 'B-2', 'A-1', 'C-3']);
      // Sorting combines with the search.
      expect(await listed({ sort: 'forecastStart', order: 'desc', search: 'liebherr' })).toEqual(['B-2', 'A-2']);
    });

    it('sorts by lastSyncedAt, and by each of the ten columns', async () => {
      await h.dataSource.query(`UPDATE pfa_records SET last_synced_at = now() - make_interval(mins => ascii(right(pfa_id, 1))) WHERE organization_id = $1`, [sorted.id]);
      await h.dataSource.query(`UPDATE pfa_records SET last_synced_at = NULL WHERE organization_id = $1 AND pfa_id = 'B-2'`, [sorted.id]);
      // 4 was synced longest ago, then 3, 2, 1.
      expect(await listed({ sort: 'lastSyncedAt' })).toEqual(['D-4', 'C-3', 'A-2', 'A-1', 'B-2']);
      for (const sort of ['pfaId', 'category', 'class', 'source', 'dor', 'manufacturer', 'model', 'forecastStart', 'forecastEnd', 'lastSyncedAt']) {
        for (const order of ['asc', 'desc']) expect(await listed({ sort, order })).toHaveLength(5);
      }
    });

    it('a sort or order it does not know: 400 naming it', async () => {
      for (const [query, field] of [
        [{ sort: 'monthlyRate' }, 'sort'],
        [{ sort: 'pfa_id' }, 'sort'],
        [{ sort: '' }, 'sort'],
        [{ order: 'up' }, 'order'],
        [{ order: 'DESC' }, 'order'],
      ] as const) {
        const response = await h
          .http()
          .get('/api/pfa')
          .query({ organizationId: sorted.id, ...query })
          .set(h.as(reader));
        expect({ query, status: response.status, fields: response.body.errors?.map((error: { field: string }) => error.field) }).toEqual({ query, status: 400, fields: [field] });
      }
    });
  });

  describe('POST /api/pems/write-sync: mine', () => {
    it("queues only the caller's pending edits, and refuses a colleague's listed one like an unknown id", async () => {
      await h.holdServer();
      const mine = await h.edit('PFA-10001', { model: 'mine' });
      const colleagues = await h.edit('PFA-10002', { model: "colleague's" }, h.colleague);
      const before = await queueState();
      const refused = await post('/api/pems/write-sync', { mine: true, modificationIds: [mine, colleagues] }).expect(400);
      expect(JSON.stringify(refused.body)).toContain(colleagues);
      expect(await queueState()).toEqual(before);
      await post('/api/pems/write-sync', { mine: 'yes' }).expect(400);

      const answer = (await post('/api/pems/write-sync', { mine: true }).expect(200)).body;
      expect(answer.queuedCount).toBe(1);
      const statuses = await h.dataSource.query(`SELECT id, status FROM pfa_modification WHERE id = ANY($1) ORDER BY id`, [[mine, colleagues]]);
      expect(Object.fromEntries(statuses.map((row: { id: string; status: string }) => [row.id, row.status]))).toEqual({ [mine]: 'queued', [colleagues]: 'pending' });
    });
  });

  describe('GET /api/pfa/modifications: mine and unsynced', () => {
    it("mine: only the caller's; unsynced: only those not in PEMS yet or waiting for a person; both combine with status and recordId", async () => {
      const synced = await h.edit('PFA-10001', { model: 'mine, synced' });
      await h.queueOk();
      await waitForModifications(h.dataSource, [synced], ['synced']);
      const pending = await h.edit('PFA-10002', { model: 'mine, pending' });
      const discarded = await h.edit('PFA-10003', { model: 'mine, discarded' });
      await h.http().delete(`/api/pfa/modifications/${discarded}`).set(h.as()).expect(200);
      const colleagues = await h.edit('PFA-10002', { manufacturer: "colleague's" }, h.colleague);

      const ids = async (query: Record<string, unknown>, user: TestUser = h.planner) =>
        ((await get('/api/pfa/modifications', query, user).expect(200)).body.items as Array<{ id: string }>).map((modification) => modification.id).sort();
      expect(await ids({})).toEqual([synced, pending, discarded, colleagues].sort());
      expect(await ids({ mine: 'true' })).toEqual([synced, pending, discarded].sort());
      expect(await ids({ mine: 'false' })).toEqual([synced, pending, discarded, colleagues].sort());
      expect(await ids({ mine: 'true' }, h.colleague)).toEqual([colleagues]);
      expect(await ids({ unsynced: 'true' })).toEqual([pending, colleagues].sort());
      expect(await ids({ mine: 'true', unsynced: 'true' })).toEqual([pending]);
      expect(await ids({ mine: 'true', unsynced: 'true', status: 'pending' })).toEqual([pending]);
      expect(await ids({ unsynced: 'true', status: 'synced' })).toEqual([]);
      expect(await ids({ unsynced: 'false', status: 'synced' })).toEqual([synced]);
      const record = await h.recordOf('PFA-10002');
      expect(await ids({ unsynced: 'true', recordId: record.id })).toEqual([pending, colleagues].sort());
      expect(await ids({ mine: 'true', recordId: record.id })).toEqual([pending]);

      // Failed and conflict count as unsynced: they wait for a person.
      await h.dataSource.query(`UPDATE pfa_modification SET status = 'failed' WHERE id = $1`, [synced]);
      expect(await ids({ mine: 'true', unsynced: 'true' })).toEqual([synced, pending].sort());
      const page = (await get('/api/pfa/modifications', { mine: 'true', unsynced: 'true', pageSize: 1 }).expect(200)).body;
      expect(page).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    });

    it('anything but true or false: 400 naming the parameter', async () => {
      for (const [query, field] of [
        [{ mine: 'maybe' }, 'mine'],
        [{ mine: 'yes' }, 'mine'],
        [{ mine: '1' }, 'mine'],
        [{ mine: '' }, 'mine'],
        [{ mine: 'TRUE' }, 'mine'],
        [{ unsynced: 'no' }, 'unsynced'],
        [{ unsynced: '0' }, 'unsynced'],
      ] as const) {
        const response = await get('/api/pfa/modifications', query);
        expect({ query, status: response.status, fields: response.body.errors?.map((error: { field: string }) => error.field) }).toEqual({ query, status: 400, fields: [field] });
      }
      const twice = await h.http().get(`/api/pfa/modifications?organizationId=${h.rio.id}&mine=true&mine=false`).set(h.as());
      expect(twice.status).toBe(400);
    });
  });

  describe('GET /api/pems/write-queue: from, to and pfaId', () => {
    it('filters by when the item was queued (from inclusive, to exclusive) and by pfaId exactly', async () => {
      await h.holdServer();
      const items = await queued(pfaIds(4));
      const at = ['2026-06-01T10:00:00.000Z', '2026-06-01T11:00:00.000Z', '2026-06-01T12:00:00.000Z', '2026-06-02T09:30:00.000Z'];
      for (const [index, entry] of items.entries()) await h.dataSource.query(`UPDATE pfa_write_queue SET created_at = $2 WHERE id = $1`, [entry.item.id, at[index]]);

      const pfaIdsOf = async (query: Record<string, unknown>) => {
        const body = (await get('/api/pems/write-queue', query).expect(200)).body;
        expect(body.total).toBe(body.items.length);
        return body.items.map((item: { pfaId: string }) => item.pfaId);
      };
      expect(await pfaIdsOf({ from: '2026-06-01T11:00:00Z' })).toEqual(['PFA-10004', 'PFA-10003', 'PFA-10002']);
      expect(await pfaIdsOf({ to: '2026-06-01T11:00:00Z' })).toEqual(['PFA-10001']);
      expect(await pfaIdsOf({ from: '2026-06-01T10:00:00Z', to: '2026-06-01T12:00:00Z' })).toEqual(['PFA-10002', 'PFA-10001']);
      // The same moments in another time zone.
      expect(await pfaIdsOf({ from: '2026-06-01T12:00:00+01:00', to: '2026-06-01T13:30:00.000+02:00' })).toEqual(['PFA-10002']);
      expect(await pfaIdsOf({ from: '2026-06-01T10:00:00Z', to: '2026-06-01T10:00:00Z' })).toEqual([]);
      expect(await pfaIdsOf({ pfaId: 'PFA-10003' })).toEqual(['PFA-10003']);
      expect(await pfaIdsOf({ pfaId: 'PFA-1000' })).toEqual([]);
      expect(await pfaIdsOf({ pfaId: 'pfa-10003' })).toEqual([]);
      expect(await pfaIdsOf({ pfaId: 'PFA-10003', status: 'pending', from: '2026-06-01T00:00:00Z' })).toEqual(['PFA-10003']);
      expect(await pfaIdsOf({ pfaId: 'PFA-10003', status: 'failed' })).toEqual([]);
    });

    it('from after to, a time without its zone, an impossible date or an empty pfaId: 400 naming the field', async () => {
      for (const [query, field] of [
        [{ from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' }, 'from'],
        [{ from: '2026-06-01T00:00:00' }, 'from'],
        [{ to: '2026-06-01' }, 'to'],
        [{ to: '2026-02-30T00:00:00Z' }, 'to'],
        [{ from: 'yesterday' }, 'from'],
        [{ pfaId: '' }, 'pfaId'],
      ] as const) {
        const response = await get('/api/pems/write-queue', query);
        expect({ query, status: response.status, fields: response.body.errors?.map((error: { field: string }) => error.field) }).toEqual({ query, status: 400, fields: [field] });
      }
    });
  });

  describe('GET /api/pems/write-queue/:id', () => {
    it('a pending item: no attempts yet, due at its scheduled time, no lease, and its modification', async () => {
      await h.holdServer();
      const reason = 'Crane needed two weeks longer';
      const record = await h.recordOf('PFA-10001');
      const edit = await h
        .http()
        .patch(`/api/pfa/${record.id}`)
        .set(h.as())
        .send({ changes: { model: 'detailed' }, changeReason: reason })
        .expect(201);
      await h.queueOk();
      const item = await h.itemOf(edit.body.id);

      const { body } = await h.http().get(`/api/pems/write-queue/${item.id}`).set(h.as()).expect(200);
      expect(body).toEqual({
        id: item.id,
        modificationId: edit.body.id,
        organizationId: h.rio.id,
        pfaId: 'PFA-10001',
        operation: 'update',
        status: 'pending',
        priority: 5,
        retryCount: 0,
        maxRetries: 3,
        scheduledAt: item.scheduledAt.toISOString(),
        lastAttemptAt: null,
        lastError: null,
        lastStatusCode: null,
        completedAt: null,
        jobId: item.jobId,
        createdAt: item.createdAt.toISOString(),
        changes: { model: 'detailed' },
        baseVersion: record.version,
        attempts: 0,
        nextAttemptAt: item.scheduledAt.toISOString(),
        lockedUntil: null,
        modification: { id: edit.body.id, status: 'queued', changeReason: reason, username: 'planner' },
      });
    });

    it('counts the sends: one for an item sent once, each retry for an item that failed after its retries', async () => {
      const [sent] = await queued(['PFA-10001'], 'sent');
      await waitForModifications(h.dataSource, [sent.modificationId], ['synced']);
      const done = (await h.http().get(`/api/pems/write-queue/${sent.item.id}`).set(h.as()).expect(200)).body;
      expect(done).toMatchObject({ status: 'completed', attempts: 1, nextAttemptAt: null, lockedUntil: null, modification: { status: 'synced', username: 'planner' } });

      h.simulator.setFaults({ statusShares: { 503: 1 } });
      const [unlucky] = await queued(['PFA-10002'], 'unlucky');
      await waitForModifications(h.dataSource, [unlucky.modificationId], ['failed']);
      const failed = (await h.http().get(`/api/pems/write-queue/${unlucky.item.id}`).set(h.as()).expect(200)).body;
      expect(failed).toMatchObject({ status: 'failed', retryCount: 3, attempts: 4, nextAttemptAt: null, modification: { status: 'failed' } });
      expect(h.updates('PFA-10002')).toHaveLength(4);
    });

    it('404 for an item of an organization the caller is not in, and for one that does not exist; 403 without perm_Read', async () => {
      await h.holdServer();
      const [entry] = await queued(['PFA-10001']);
      const elsewhere = await h.fixtures.organization('ELS');
      const outsider = await h.fixtures.user('outsider', [[elsewhere, ['perm_Read', 'perm_Edit', 'perm_Sync', 'perm_Admin']]]);
      const hidden = await h.http().get(`/api/pems/write-queue/${entry.item.id}`).set(h.as(outsider)).expect(404);
      const missing = await h.http().get(`/api/pems/write-queue/${randomUUID()}`).set(h.as()).expect(404);
      expect([hidden.body.code, hidden.body.message]).toEqual([missing.body.code, missing.body.message]);
      const editor = await h.fixtures.user('editor-only', [[h.rio, ['perm_Edit', 'perm_Sync']]]);
      expect((await h.http().get(`/api/pems/write-queue/${entry.item.id}`).set(h.as(editor)).expect(403)).body.code).toBe('FORBIDDEN');
      await h.http().get('/api/pems/write-queue/not-a-uuid').set(h.as()).expect(400);
    });
  });

  describe('POST /api/pems/write-queue/retry with a filter', () => {
    async function failedItems(ids: string[]) {
      h.simulator.setFaults({ statusShares: { 403: 1 } });
      const made = await queued(ids, 'refused');
      await waitForModifications(
        h.dataSource,
        made.map((entry) => entry.modificationId),
        ['failed'],
      );
      h.simulator.clearFaults();
      return made;
    }

    it('retries only the failed items matching the filter; the others stay failed', async () => {
      const made = await failedItems(pfaIds(3));
      const response = await post('/api/pems/write-queue/retry', { filter: { pfaId: 'PFA-10002' } }).expect(200);
      expect(response.body).toEqual({ retriedCount: 1, skipped: [] });
      await waitForModifications(h.dataSource, [made[1].modificationId], ['synced']);
      expect((await h.modification(made[0].modificationId)).status).toBe('failed');
      expect((await h.modification(made[2].modificationId)).status).toBe('failed');
      expect(h.updates('PFA-10002')).toHaveLength(2);

      // A window that holds none of them, and a status they are not in: nothing retried.
      const later = new Date(Date.now() + 3_600_000).toISOString();
      expect((await post('/api/pems/write-queue/retry', { filter: { from: later } }).expect(200)).body).toEqual({ retriedCount: 0, skipped: [] });
      expect((await post('/api/pems/write-queue/retry', { filter: { status: 'pending' } }).expect(200)).body).toEqual({ retriedCount: 0, skipped: [] });
      // All matching, in a window that holds the other two.
      const from = new Date(made[0].item.createdAt.getTime()).toISOString();
      const all = await post('/api/pems/write-queue/retry', { filter: { status: 'failed', from, to: later } }).expect(200);
      expect(all.body).toEqual({ retriedCount: 2, skipped: [] });
      await waitForModifications(h.dataSource, [made[0].modificationId, made[2].modificationId], ['synced']);
    });

    it('ids and filter together, from after to, an unknown filter field: 400, and nothing changes', async () => {
      const made = await failedItems(pfaIds(2));
      const before = await snapshotDatabase(h.dataSource);
      for (const [body, field] of [
        [{ ids: [made[0].item.id], filter: { pfaId: 'PFA-10001' } }, 'filter'],
        [{ ids: [made[0].item.id], filter: {} }, 'filter'],
        [{ filter: { from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' } }, 'filter.from'],
        [{ filter: { pfaId: 'PFA-10001', organizationId: h.rio.id } }, 'filter.organizationId'],
        [{ filter: [{ pfaId: 'PFA-10001' }] }, 'filter'],
        [{ filter: { status: 'stuck' } }, 'filter.status'],
      ] as const) {
        const response = await post('/api/pems/write-queue/retry', body);
        expect({ body, status: response.status, fields: response.body.errors?.map((error: { field: string }) => error.field) }).toEqual({
          body,
          status: 400,
          fields: expect.arrayContaining([field]),
        });
      }
      expect(await snapshotDatabase(h.dataSource)).toEqual(before);
    });

    it('two retries of all failed items at once: each item is retried once, the other retry says why not', async () => {
      const made = await failedItems(pfaIds(3));
      await h.holdServer();
      const held = await HeldRowLock.on('pfa_records', (await h.recordOf('PFA-10002')).id);
      const first = post('/api/pems/write-queue/retry', { filter: {} }).then((response) => response);
      const second = post('/api/pems/write-queue/retry', { filter: { status: 'failed' } }, h.colleague).then((response) => response);
      expect(await waitForLockWaiters(2)).toBe(true);
      await held.release();
      const answers = [(await first).body, (await second).body].sort((a, b) => b.retriedCount - a.retriedCount);
      expect(answers[0]).toEqual({ retriedCount: 3, skipped: [] });
      expect(answers[1].retriedCount).toBe(0);
      expect(answers[1].skipped.map((entry: { id: string }) => entry.id).sort()).toEqual(made.map((entry) => entry.item.id).sort());
      for (const entry of answers[1].skipped) expect(entry.reason).toMatch(/pending, not failed/);
      expect((await queueState()).map((row: { status: string }) => row.status)).toEqual(['pending', 'pending', 'pending']);
      expect(errors.filter((line) => /deadlock/i.test(line))).toEqual([]);
    });
  });

  describe('POST /api/pems/write-queue/cancel', () => {
    it('cancels the listed, the matching or all pending items; each modification is pending again; items not pending are skipped with the reason', async () => {
      const [done] = await queued(['PFA-10005'], 'done');
      await waitForModifications(h.dataSource, [done.modificationId], ['synced']);
      await h.holdServer();
      const made = await queued(pfaIds(4));

      const matching = await post('/api/pems/write-queue/cancel', { filter: { pfaId: 'PFA-10002' } }).expect(200);
      expect(matching.body).toEqual({ cancelledCount: 1, skipped: [] });
      expect((await h.modification(made[1].modificationId)).status).toBe('pending');
      expect((await h.itemOf(made[1].modificationId)).status).toBe('cancelled');
      expect((await h.itemOf(made[0].modificationId)).status).toBe('pending');
      // A filter whose window holds nothing.
      const later = new Date(Date.now() + 3_600_000).toISOString();
      expect((await post('/api/pems/write-queue/cancel', { filter: { from: later } }).expect(200)).body).toEqual({ cancelledCount: 0, skipped: [] });
      expect((await post('/api/pems/write-queue/cancel', { filter: { status: 'completed' } }).expect(200)).body).toEqual({ cancelledCount: 0, skipped: [] });

      const unknown = randomUUID();
      const listed = await post('/api/pems/write-queue/cancel', { ids: [made[0].item.id, made[1].item.id, done.item.id, unknown] }).expect(200);
      expect(listed.body.cancelledCount).toBe(1);
      expect(listed.body.skipped).toEqual(
        expect.arrayContaining([
          { id: unknown, reason: 'no such item in this organization' },
          { id: made[1].item.id, reason: 'the item is cancelled, not pending' },
          { id: done.item.id, reason: 'the item is completed, not pending' },
        ]),
      );
      expect(listed.body.skipped).toHaveLength(3);
      expect((await h.modification(done.modificationId)).status).toBe('synced');

      const rest = await post('/api/pems/write-queue/cancel', {}).expect(200);
      expect(rest.body).toEqual({ cancelledCount: 2, skipped: [] });
      const modifications = await h.dataSource.getRepository(PfaModification).findBy({ organizationId: h.rio.id, status: 'pending' });
      expect(modifications.map((modification) => modification.id).sort()).toEqual(made.map((entry) => entry.modificationId).sort());
      expect(await queueState()).toEqual(expect.arrayContaining(made.map((entry) => ({ id: entry.item.id, status: 'cancelled', retry_count: 0, modification_status: 'pending' }))));

      // Cancelled edits can be queued again, and reach PEMS.
      await h.releaseServer();
      expect((await h.queueOk()).queuedCount).toBe(4);
      await waitForModifications(
        h.dataSource,
        made.map((entry) => entry.modificationId),
        ['synced'],
      );
    });

    it("ids and filter together, from after to, another organization's id: 400, or skipped; nothing changes", async () => {
      await h.holdServer();
      const made = await queued(pfaIds(2));
      const before = await snapshotDatabase(h.dataSource);
      for (const [body, field] of [
        [{ ids: [made[0].item.id], filter: { pfaId: 'PFA-10001' } }, 'filter'],
        [{ filter: { from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' } }, 'filter.from'],
        [{ filter: { to: 'tomorrow' } }, 'filter.to'],
        [{ ids: [] }, 'ids'],
        [{ ids: ['not-a-uuid'] }, 'ids'],
        [{ filter: 'all' }, 'filter'],
      ] as const) {
        const response = await post('/api/pems/write-queue/cancel', body);
        expect({ body, status: response.status, fields: response.body.errors?.map((error: { field: string }) => error.field) }).toEqual({
          body,
          status: 400,
          fields: expect.arrayContaining([field]),
        });
      }
      expect(await snapshotDatabase(h.dataSource)).toEqual(before);

      // An id of another organization's item is not found in this one.
      const elsewhere = await h.fixtures.organization('ELS');
      const theirRecord = await h.fixtures.record(elsewhere, 'PFA-ELS-1');
      const author = await h.fixtures.user('els-author', [[elsewhere, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
      const theirEdit = await h
        .http()
        .patch(`/api/pfa/${theirRecord.id}`)
        .set(h.as(author))
        .send({ changes: { model: 'theirs' } })
        .expect(201);
      const [theirItem] = await h.dataSource.query(
        `INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload) VALUES ($1, $2, 'PFA-ELS-1', '{"changes": {}, "baseVersion": 1}') RETURNING id`,
        [theirEdit.body.id, elsewhere.id],
      );
      const foreign = await post('/api/pems/write-queue/cancel', { ids: [theirItem.id] }).expect(200);
      expect(foreign.body).toEqual({ cancelledCount: 0, skipped: [{ id: theirItem.id, reason: 'no such item in this organization' }] });
      const [{ status }] = await h.dataSource.query(`SELECT status FROM pfa_write_queue WHERE id = $1`, [theirItem.id]);
      expect(status).toBe('pending');
      // And a member of the other organization cannot cancel RIO's.
      await post('/api/pems/write-queue/cancel', { ids: [made[0].item.id] }, author).expect(403);
      const reader = await h.fixtures.user('reader', [[h.rio, ['perm_Read', 'perm_Edit']]]);
      expect((await post('/api/pems/write-queue/cancel', {}, reader).expect(403)).body.code).toBe('FORBIDDEN');
      expect((await post('/api/pems/write-queue/retry', { filter: {} }, reader).expect(403)).body.code).toBe('FORBIDDEN');
      expect((await h.itemOf(made[0].modificationId)).status).toBe('pending');
    });

    it('two cancels of the same items at once: each item is cancelled once, the other cancel says why not; no deadlock', async () => {
      await h.holdServer();
      const made = await queued(pfaIds(5));
      // Both find the items and then wait for the records' locks, held here until both wait.
      const held = await HeldRowLock.on('pfa_records', (await h.recordOf('PFA-10003')).id);
      const ids = made.map((entry) => entry.item.id);
      const first = post('/api/pems/write-queue/cancel', { ids: [...ids].reverse() }).then((response) => response);
      const second = post('/api/pems/write-queue/cancel', { filter: { status: 'pending' } }, h.colleague).then((response) => response);
      expect(await waitForLockWaiters(2)).toBe(true);
      await held.release();

      const answers = [await first, await second].map((response) => {
        expect(response.status).toBe(200);
        return response.body;
      });
      answers.sort((a, b) => b.cancelledCount - a.cancelledCount);
      expect(answers[0]).toEqual({ cancelledCount: 5, skipped: [] });
      expect(answers[1].cancelledCount).toBe(0);
      expect(answers[1].skipped.map((entry: { id: string }) => entry.id).sort()).toEqual([...ids].sort());
      for (const entry of answers[1].skipped) expect(entry.reason).toBe('the item is cancelled, not pending');
      expect((await queueState()).map((row: { status: string; modification_status: string }) => [row.status, row.modification_status])).toEqual(
        Array.from({ length: 5 }, () => ['cancelled', 'pending']),
      );
      expect(errors.filter((line) => /deadlock/i.test(line))).toEqual([]);
    });

    it('a cancel that waits while the worker claims the item: the item is sent, and the cancel skips it as processing', async () => {
      await h.holdServer();
      const [entry] = await queued(['PFA-10001'], 'raced');
      const held = await HeldRowLock.on('pfa_records', (await h.recordOf('PFA-10001')).id);
      const cancelling = post('/api/pems/write-queue/cancel', { ids: [entry.item.id] }).then((response) => response);
      expect(await waitForLockWaiters(1)).toBe(true);

      await h.releaseServer();
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      // The worker claims and sends it; its completion then waits for the record, behind the cancel.
      await waitUntil('the item sent', () => h.updates('PFA-10001').length === 1);
      expect(await waitForLockWaiters(2)).toBe(true);
      await held.release();

      const response = await cancelling;
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ cancelledCount: 0, skipped: [{ id: entry.item.id, reason: 'the item is processing, not pending' }] });
      await waitForModifications(h.dataSource, [entry.modificationId], ['synced']);
      expect((await h.itemOf(entry.modificationId)).status).toBe('completed');
      expect(errors.filter((line) => /deadlock/i.test(line))).toEqual([]);
    });

    it('a claim while a cancel holds the item: the claim passes it by, and the cancelled edit is never sent', async () => {
      await h.holdServer();
      const [entry] = await queued(['PFA-10001'], 'never sent');
      // The cancel locks the record and the item, then waits here for the modification.
      const held = await HeldRowLock.on('pfa_modification', entry.modificationId);
      const cancelling = post('/api/pems/write-queue/cancel', { filter: { pfaId: 'PFA-10001' } }).then((response) => response);
      expect(await waitForLockWaiters(1)).toBe(true);

      await h.releaseServer();
      const { claims, stopWatching } = h.watchClaims();
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      await waitUntil('a claim that passed the item by', () => claims.some((claim) => claim.items.length === 0 && claim.passedOver > 0), 5000).finally(stopWatching);
      await held.release();

      expect((await cancelling).body).toEqual({ cancelledCount: 1, skipped: [] });
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      await sleep(300);
      await h.worker().idle();
      expect((await h.itemOf(entry.modificationId)).status).toBe('cancelled');
      expect((await h.modification(entry.modificationId)).status).toBe('pending');
      expect(h.updates('PFA-10001')).toEqual([]);
      expect(errors.filter((line) => /deadlock/i.test(line))).toEqual([]);
    });
  });

  describe('GET /api/pems/sync-status/timeline', () => {
    it('one entry per minute, oldest first, zero-filled, the current minute last; 60 by default', async () => {
      const [{ now }] = await h.dataSource.query(`SELECT date_trunc('minute', now()) AS now`);
      const { body } = await get('/api/pems/sync-status/timeline', { minutes: 5 }).expect(200);
      expect(body.minutes).toHaveLength(5);
      for (const [index, entry] of body.minutes.entries()) {
        expect(entry).toEqual({ minute: expect.stringMatching(ISO), completed: 0, failed: 0, conflicts: 0, queueDepth: 0 });
        if (index > 0) expect(Date.parse(entry.minute) - Date.parse(body.minutes[index - 1].minute)).toBe(60_000);
      }
      // The current minute (or the next, if one began meanwhile).
      expect(Date.parse(body.minutes[4].minute) - new Date(now).getTime()).toBeGreaterThanOrEqual(0);
      expect(Date.parse(body.minutes[4].minute) - new Date(now).getTime()).toBeLessThanOrEqual(60_000);
      expect((await get('/api/pems/sync-status/timeline', {}).expect(200)).body.minutes).toHaveLength(60);
      expect((await get('/api/pems/sync-status/timeline', { minutes: 1440 }).expect(200)).body.minutes).toHaveLength(1440);
      expect((await get('/api/pems/sync-status/timeline', { minutes: 1 }).expect(200)).body.minutes).toHaveLength(1);
    });

    it('completed and failed per minute, conflicts found, and the items waiting or in flight at the end of each minute', async () => {
      await h.holdServer();
      const [{ base }] = await h.dataSource.query(`SELECT date_trunc('minute', now()) - interval '10 minutes' AS base`);
      const minute = (offset: number, seconds = 15) => new Date(new Date(base).getTime() + offset * 60_000 + seconds * 1000);
      const modifications: string[] = [];
      for (const pfaId of pfaIds(6)) modifications.push(await h.edit(pfaId, { model: `${pfaId} timeline` }));
      const item = async (index: number, status: string, createdAt: Date, completedAt: Date | null, lastError: string | null = null) => {
        const [row] = await h.dataSource.query(
          `INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload, status, created_at, completed_at, last_error)
           VALUES ($1, $2, $3, '{"changes": {}, "baseVersion": 1}', $4, $5, $6, $7) RETURNING id`,
          [modifications[index], h.rio.id, pfaIds(6)[index], status, createdAt, completedAt, lastError],
        );
        return row.id as string;
      };
      await item(0, 'completed', minute(-8), minute(-6));
      await item(1, 'failed', minute(-7), minute(-6, 40), 'PEMS answered 400');
      const conflictItem = await item(2, 'failed', minute(-5), minute(-4), 'VERSION_CONFLICT');
      await item(3, 'pending', minute(-3), null);
      await item(4, 'cancelled', minute(-7, 50), minute(-2));
      // Queued and finished within one minute: never waiting at a minute's end.
      await item(5, 'completed', minute(-1, 5), minute(-1, 30));
      const conflicted = await h.modification(modifications[2]);
      const conflict = await h.dataSource.transaction((manager) =>
        h.testApp.app.get(ConflictStore).record(manager, {
          modification: conflicted,
          pfaId: 'PFA-10003',
          queueItemId: conflictItem,
          pemsVersion: 2,
          conflictFields: ['model'],
          localData: { model: 'ours' },
          pemsData: { model: 'theirs' },
          baseData: { model: null },
        }),
      );
      await h.dataSource.query(`UPDATE pfa_sync_conflict SET created_at = $2 WHERE id = $1`, [conflict.id, minute(-4, 1)]);
      const { body } = await get('/api/pems/sync-status/timeline', { minutes: 30 }).expect(200);
      const at = new Map<string, { completed: number; failed: number; conflicts: number; queueDepth: number }>(
        body.minutes.map((entry: { minute: string }) => [entry.minute, { ...entry, minute: undefined }]),
      );
      const expected: Array<[number, [number, number, number, number]]> = [
        // [minute, [completed, failed, conflicts, queueDepth]]
        [-9, [0, 0, 0, 0]],
        [-8, [0, 0, 0, 1]],
        [-7, [0, 0, 0, 3]],
        [-6, [1, 1, 0, 1]],
        [-5, [0, 0, 0, 2]],
        [-4, [0, 0, 1, 1]],
        [-3, [0, 0, 0, 2]],
        [-2, [0, 0, 0, 1]],
        [-1, [1, 0, 0, 1]],
        [0, [0, 0, 0, 1]],
      ];
      const actual = expected.map(([offset]) => {
        const entry = at.get(minute(offset, 0).toISOString())!;
        return [offset, [entry.completed, entry.failed, entry.conflicts, entry.queueDepth]];
      });
      expect(actual).toEqual(expected);
      // Every minute after: the pending item still waits.
      const last = body.minutes[body.minutes.length - 1];
      expect(last).toMatchObject({ completed: 0, failed: 0, conflicts: 0, queueDepth: 1 });
      expect(body.minutes.reduce((sum: number, entry: { completed: number }) => sum + entry.completed, 0)).toBe(2);
      // The sync status counts the same minutes.
      expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 2, failed: 1, conflicts: 1, totalQueued: 1 });
    });

    it('minutes out of 1..1440 or not a whole number: 400; without perm_Read: 403', async () => {
      for (const minutes of ['0', '1441', '-5', '1.5', 'sixty', '']) {
        const response = await get('/api/pems/sync-status/timeline', { minutes });
        const fields = [...new Set(response.body.errors?.map((error: { field: string }) => error.field))];
        expect({ minutes, status: response.status, fields }).toEqual({ minutes, status: 400, fields: ['minutes'] });
      }
      const editor = await h.fixtures.user('editor-only', [[h.rio, ['perm_Edit', 'perm_Sync']]]);
      expect((await get('/api/pems/sync-status/timeline', {}, editor).expect(403)).body.code).toBe('FORBIDDEN');
      const elsewhere = await h.fixtures.organization('ELS');
      const outsider = await h.fixtures.user('outsider', [[elsewhere, ['perm_Read']]]);
      expect((await get('/api/pems/sync-status/timeline', {}, outsider).expect(403)).body.code).toBe('FORBIDDEN');
    });
  });
});
