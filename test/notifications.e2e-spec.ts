import request from 'supertest';
import { ConflictStore } from '../src/conflicts/conflict-store';
import { NotificationsService } from '../src/notifications/notifications.service';
import { Organization } from '../src/organizations/entities/organization.entity';
import { PfaModification } from '../src/pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../src/pfa/entities/pfa-record.entity';
import { ModificationStates } from '../src/pfa/modification-states';
import { SyncEventsService } from '../src/sync-events/sync-events.service';
import { SyncEvent } from '../src/sync-events/sync-event';
import { PfaWriteQueueItem } from '../src/write-queue/entities/pfa-write-queue.entity';
import { ServerAuthPauseService } from '../src/write-sync/server-auth-pause.service';
import { WriteCompletionBatcher } from '../src/write-sync/write-completion.batcher';
import { WriteOutcomes } from '../src/write-sync/write-outcomes';
import { WriteSyncWorker } from '../src/write-sync/write-sync.worker';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser, craneData } from './support/fixtures';
import { connectToSimulator } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';

interface Row {
  user_id: string;
  kind: string;
  modification_id: string | null;
  conflict_id: string | null;
  record_id: string | null;
  pfa_id: string | null;
  text: string;
}

/**
 * Notifications are written by the owners of the state changes they tell of, in the same
 * transaction: each change is told once, to the right people, and a change rolled back tells
 * no one. The owners are driven directly (no PEMS, no worker), which keeps this file fast.
 */
describe('notifications (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let rio: Organization;
  let other: Organization;
  let record: PfaRecord;
  let editor: TestUser;
  let syncer: TestUser;
  let reader: TestUser;
  let superMember: TestUser;
  let superOutsider: TestUser;
  let inactiveSyncer: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ ENABLE_PEMS_WRITE_SYNC: 'false' });
    fixtures = new Fixtures(testApp);
  });
  afterAll(() => testApp.close());

  beforeEach(async () => {
    jest.restoreAllMocks();
    await cleanDatabase(testApp.dataSource);
    rio = await fixtures.organization('RIO');
    other = await fixtures.organization('OTHER');
    await connectToSimulator(testApp, rio, 'http://127.0.0.1:9');
    record = await fixtures.record(rio, 'PFA-1', craneData());
    editor = await fixtures.user('editor', [[rio, ['perm_Read', 'perm_Edit']]]);
    syncer = await fixtures.user('syncer', [[rio, ['perm_Read', 'perm_Sync']]]);
    reader = await fixtures.user('reader', [[rio, ['perm_Read']]]);
    superMember = await fixtures.user('super-member', [[rio, ['perm_Read']]], { superadmin: true });
    superOutsider = await fixtures.user('super-outsider', [], { superadmin: true });
    inactiveSyncer = await fixtures.user('inactive-syncer', [[rio, ['perm_Read', 'perm_Sync']]], { active: false });
    outsider = await fixtures.user('outsider', [[other, ['perm_Read', 'perm_Sync']]]);
  });

  const notifications = (): Promise<Row[]> =>
    testApp.dataSource.query(`SELECT user_id, kind, modification_id, conflict_id, record_id, pfa_id, text FROM notifications ORDER BY kind, user_id`);

  /** An edit of PFA-1 by `editor`, claimed by this test as a worker would: the item processing, the modification syncing. */
  async function claimedEdit(changes: Record<string, unknown> = { model: 'LR 1350' }): Promise<{ modification: PfaModification; item: PfaWriteQueueItem }> {
    const modification = await testApp.dataSource.transaction((manager) =>
      testApp.app.get(ModificationStates).create(manager, {
        organizationId: rio.id,
        recordId: record.id,
        userId: editor.user.id,
        changes,
        baseValues: { model: 'LR 1300' },
        baseVersion: record.version,
        changeReason: null,
      }),
    );
    await testApp.dataSource.query(`UPDATE pfa_modification SET status = 'syncing' WHERE id = $1`, [modification.id]);
    const [{ id }] = await testApp.dataSource.query(
      `INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload, status, locked_by, lease_token, locked_until, last_attempt_at)
       VALUES ($1, $2, 'PFA-1', $3, 'processing', 'this-test', gen_random_uuid(), now() + interval '1 minute', now()) RETURNING id`,
      [modification.id, rio.id, JSON.stringify({ changes, baseVersion: record.version })],
    );
    const item = await testApp.dataSource.getRepository(PfaWriteQueueItem).findOneByOrFail({ id });
    return { modification: await testApp.dataSource.getRepository(PfaModification).findOneByOrFail({ id: modification.id }), item };
  }

  const conflictVerdict = (modification: PfaModification) => ({
    verdict: 'conflict' as const,
    modification,
    theirs: { pfaId: 'PFA-1', version: record.version + 1, data: craneData({ model: 'LR 1400' }), lastModified: null },
    found: { outcome: 'conflict' as const, conflictFields: ['model'], localData: { model: 'LR 1350' }, pemsData: { model: 'LR 1400' }, baseData: { model: 'LR 1300' } },
  });

  describe('who hears what, exactly once, with the change', () => {
    it('edit.synced: the editor alone, once, even when the same completion comes again', async () => {
      const { modification, item } = await claimedEdit();
      const batcher = testApp.app.get(WriteCompletionBatcher);
      expect(await batcher.complete({ item, stored: null, statusCode: 200 })).toBe(true);
      // The same attempt again (another instance's late answer): its lease no longer holds.
      expect(await batcher.complete({ item, stored: null, statusCode: 200 })).toBe(false);
      expect(await notifications()).toEqual([
        {
          user_id: editor.user.id,
          kind: 'edit.synced',
          modification_id: modification.id,
          conflict_id: null,
          record_id: record.id,
          pfa_id: 'PFA-1',
          text: 'Your edit of PFA-1 is in PEMS.',
        },
      ]);
    });

    it('edit.failed: the editor alone, with the reason', async () => {
      const { modification, item } = await claimedEdit();
      const outcomes = testApp.app.get(WriteOutcomes);
      expect(await outcomes.failed(item, 'PEMS answered 400: MONTHLYRATE is invalid', 400)).toBe('failed');
      expect(await outcomes.failed(item, 'PEMS answered 400: MONTHLYRATE is invalid', 400)).toBe('released');
      expect(await notifications()).toEqual([
        {
          user_id: editor.user.id,
          kind: 'edit.failed',
          modification_id: modification.id,
          conflict_id: null,
          record_id: record.id,
          pfa_id: 'PFA-1',
          text: 'Your edit of PFA-1 failed: PEMS answered 400: MONTHLYRATE is invalid',
        },
      ]);
    });

    it('a conflict: edit.conflict to the editor; conflict.created to each active member holding perm_Sync (a superadmin member too), no one else', async () => {
      const { modification, item } = await claimedEdit();
      const outcomes = testApp.app.get(WriteOutcomes);
      expect(await outcomes.conflict(item, conflictVerdict(modification))).toBe('conflict');
      expect(await outcomes.conflict(item, conflictVerdict(modification))).toBe('released');
      const [{ id: conflictId }] = await testApp.dataSource.query(`SELECT id FROM pfa_sync_conflict`);
      const rows = await notifications();
      expect(rows.map((row) => [row.kind, row.user_id]).sort()).toEqual(
        [
          ['conflict.created', superMember.user.id],
          ['conflict.created', syncer.user.id],
          ['edit.conflict', editor.user.id],
        ].sort(),
      );
      for (const row of rows) expect(row).toMatchObject({ conflict_id: conflictId, modification_id: modification.id, record_id: record.id, pfa_id: 'PFA-1' });
      expect(rows.find((row) => row.kind === 'edit.conflict')!.text).toBe('Your edit of PFA-1 conflicts with a change in PEMS (model).');
      expect(rows.find((row) => row.kind === 'conflict.created')!.text).toBe("editor's edit of PFA-1 conflicts with a change in PEMS (model).");
      // Not the reader (no perm_Sync), the inactive syncer, the superadmin who is no member, nor another organization's syncer.
      const told = new Set(rows.map((row) => row.user_id));
      for (const user of [reader, inactiveSyncer, superOutsider, outsider]) expect(told.has(user.user.id)).toBe(false);
    });

    it('credentials.rejected: the perm_Sync members, once per pause (a second 401, from any instance, tells no one again), live as server.credentials-rejected', async () => {
      const heard: SyncEvent[] = [];
      const subscription = testApp.app
        .get(SyncEventsService)
        .stream(rio.id)
        .subscribe((event) => heard.push(event));
      const pause = testApp.app.get(ServerAuthPauseService);
      const started = await Promise.all([pause.credentialsRejected(rio.id, 'PEMS answered 401'), pause.credentialsRejected(rio.id, 'PEMS answered 401')]);
      expect(started.sort()).toEqual([false, true]);
      expect(await pause.credentialsRejected(rio.id, 'PEMS answered 401 again')).toBe(false);
      const rows = await notifications();
      expect(rows.map((row) => [row.kind, row.user_id]).sort()).toEqual(
        [
          ['credentials.rejected', superMember.user.id],
          ['credentials.rejected', syncer.user.id],
        ].sort(),
      );
      expect(rows[0]).toMatchObject({ modification_id: null, conflict_id: null, record_id: null, pfa_id: null });
      expect(rows[0].text).toBe('PEMS rejected the credentials of the server PEMS simulator: its writes are paused until they are changed or a probe succeeds.');
      await waitFor(() => heard.some((event) => event.type === 'server.credentials-rejected'));
      subscription.unsubscribe();
      expect(heard.filter((event) => event.type === 'server.credentials-rejected')).toEqual([expect.objectContaining({ organizationId: rio.id, detail: 'PEMS answered 401' })]);
    });
  });

  describe('a change rolled back tells no one', () => {
    it('completions whose transaction fails: no edit.synced, the item still processing', async () => {
      const { item } = await claimedEdit();
      jest.spyOn(testApp.app.get(SyncEventsService), 'publishMany').mockRejectedValueOnce(new Error('the database went away'));
      await expect(testApp.app.get(WriteCompletionBatcher).complete({ item, stored: null, statusCode: 200 })).rejects.toThrow('the database went away');
      expect(await notifications()).toEqual([]);
      expect((await testApp.dataSource.getRepository(PfaWriteQueueItem).findOneByOrFail({ id: item.id })).status).toBe('processing');
    });

    it('a conflict whose transaction fails: no conflict and no notification', async () => {
      const { modification, item } = await claimedEdit();
      jest.spyOn(testApp.app.get(SyncEventsService), 'publish').mockRejectedValueOnce(new Error('the database went away'));
      await expect(testApp.app.get(WriteOutcomes).conflict(item, conflictVerdict(modification))).rejects.toThrow('the database went away');
      expect(await notifications()).toEqual([]);
      expect(await testApp.dataSource.query(`SELECT id FROM pfa_sync_conflict`)).toEqual([]);
    });

    it('a conflict recorded in a transaction that is rolled back: nothing', async () => {
      const { modification, item } = await claimedEdit();
      const store = testApp.app.get(ConflictStore);
      const { found, theirs } = conflictVerdict(modification);
      await expect(
        testApp.dataSource.transaction(async (manager) => {
          await store.record(manager, { modification, pfaId: 'PFA-1', queueItemId: item.id, pemsVersion: theirs.version, ...found });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await notifications()).toEqual([]);
    });

    it('a credentials pause whose transaction fails: not paused, no notification', async () => {
      jest.spyOn(testApp.app.get(SyncEventsService), 'publish').mockRejectedValueOnce(new Error('the database went away'));
      const pause = testApp.app.get(ServerAuthPauseService);
      await expect(pause.credentialsRejected(rio.id, 'PEMS answered 401')).rejects.toThrow('the database went away');
      expect(await notifications()).toEqual([]);
      expect(await pause.pauseOf(rio.id)).toBeNull();
    });
  });

  describe('the API', () => {
    /** Notifications straight in the table, oldest first, a second apart. */
    async function seed(user: TestUser, organization: Organization, count: number, kind = 'edit.synced'): Promise<string[]> {
      const rows: Array<{ id: string }> = await testApp.dataSource.query(
        `INSERT INTO notifications (user_id, organization_id, kind, pfa_id, text, created_at)
         SELECT $1, $2, $3, 'PFA-' || n, 'Notification ' || n, now() - make_interval(secs => $4 - n)
         FROM generate_series(1, $4) AS n ORDER BY n RETURNING id`,
        [user.user.id, organization.id, kind, count],
      );
      return rows.map((row) => row.id);
    }
    const api = () => request(testApp.app.getHttpServer());
    const list = (user: TestUser, query: Record<string, unknown> = {}) => api().get('/api/notifications').set('Authorization', `Bearer ${user.token}`).query(query);
    const markRead = (user: TestUser, body: unknown) =>
      api()
        .post('/api/notifications/read')
        .set('Authorization', `Bearer ${user.token}`)
        .send(body as object);

    it("lists only the caller's own, newest first, paged, with the unread count; marks read only the caller's", async () => {
      const mine = await seed(editor, rio, 5);
      await fixtures.grant(editor.user, other, ['perm_Read']);
      const mineElsewhere = await seed(editor, other, 1, 'credentials.rejected');
      const theirs = await seed(syncer, rio, 3);

      const first = await list(editor, { pageSize: 4 }).expect(200);
      expect(first.body).toMatchObject({ total: 6, page: 1, pageSize: 4, unreadCount: 6 });
      expect(first.body.items.map((item: { id: string }) => item.id)).toEqual([mineElsewhere[0], mine[4], mine[3], mine[2]]);
      expect(Object.keys(first.body.items[0]).sort()).toEqual(
        ['conflictId', 'createdAt', 'id', 'kind', 'modificationId', 'organizationId', 'pfaId', 'readAt', 'recordId', 'text'].sort(),
      );
      expect((await list(editor, { page: 2, pageSize: 4 }).expect(200)).body.items.map((item: { id: string }) => item.id)).toEqual([mine[1], mine[0]]);
      expect((await list(editor, { organizationId: other.id }).expect(200)).body).toMatchObject({ total: 1, unreadCount: 1 });
      // Another organization's id filters to nothing: never someone else's.
      expect((await list(outsider, { organizationId: rio.id }).expect(200)).body).toMatchObject({ items: [], total: 0, unreadCount: 0 });

      // Two of mine and one of theirs: only mine are marked.
      expect((await markRead(editor, { ids: [mine[0], mine[1], theirs[0]] }).expect(200)).body).toEqual({ markedCount: 2 });
      expect((await markRead(editor, { ids: [mine[0]] }).expect(200)).body).toEqual({ markedCount: 0 });
      const unread = await list(editor, { unread: true }).expect(200);
      expect(unread.body).toMatchObject({ total: 4, unreadCount: 4 });
      expect(unread.body.items.map((item: { id: string }) => item.id)).not.toContain(mine[0]);
      const all = await list(editor, { unread: false }).expect(200);
      expect(all.body).toMatchObject({ total: 6, unreadCount: 4 });
      expect(all.body.items.find((item: { id: string }) => item.id === mine[0]).readAt).toEqual(expect.any(String));

      expect((await markRead(editor, { all: true }).expect(200)).body).toEqual({ markedCount: 4 });
      expect((await list(editor).expect(200)).body.unreadCount).toBe(0);
      // The other user's stay unread.
      expect((await list(syncer).expect(200)).body).toMatchObject({ total: 3, unreadCount: 3 });
    });

    it('hides the notifications of an organization the caller no longer belongs to (a superadmin keeps all of theirs)', async () => {
      await seed(editor, rio, 2);
      await seed(superOutsider, rio, 1);
      await testApp.dataSource.query(`DELETE FROM user_organizations WHERE user_id = $1`, [editor.user.id]);
      expect((await list(editor).expect(200)).body).toMatchObject({ items: [], total: 0, unreadCount: 0 });
      expect((await markRead(editor, { all: true }).expect(200)).body).toEqual({ markedCount: 0 });
      expect((await list(superOutsider).expect(200)).body).toMatchObject({ total: 1, unreadCount: 1 });
    });

    it('answers 400 for ids and all together, neither, a bad id, all other than true, a bad filter; 401 without a token', async () => {
      const [id] = await seed(editor, rio, 1);
      for (const body of [{ ids: [id], all: true }, {}, { ids: ['not-a-uuid'] }, { ids: [] }, { all: false }, { all: 'true' }, { ids: [id], extra: 1 }]) {
        await markRead(editor, body).expect(400);
      }
      for (const query of [{ unread: 'yes' }, { organizationId: 'x' }, { page: 0 }, { pageSize: 501 }, { other: 1 }]) await list(editor, query).expect(400);
      await api().get('/api/notifications').expect(401);
      await api().post('/api/notifications/read').send({ all: true }).expect(401);
      expect((await list(editor).expect(200)).body.unreadCount).toBe(1);
    });
  });

  it('retention: the write-sync retention deletes notifications older than PEMS_WRITE_SYNC_RETENTION_DAYS, read or not', async () => {
    await testApp.dataSource.query(
      `INSERT INTO notifications (user_id, organization_id, kind, text, created_at, read_at)
       VALUES ($1, $2, 'edit.synced', 'old, unread', now() - interval '8 days', NULL),
              ($1, $2, 'edit.synced', 'old, read', now() - interval '9 days', now()),
              ($1, $2, 'edit.synced', 'recent', now() - interval '6 days', NULL)`,
      [editor.user.id, rio.id],
    );
    expect(await testApp.app.get(NotificationsService).purgeOlderThan(7, 1)).toBe(2);
    expect(await testApp.dataSource.query(`SELECT text FROM notifications`)).toEqual([{ text: 'recent' }]);

    // The worker's hourly retention runs it with the configured days (7 by default).
    await testApp.dataSource.query(`UPDATE notifications SET created_at = now() - interval '8 days'`);
    const purge = jest.spyOn(testApp.app.get(NotificationsService), 'purgeOlderThan');
    await (testApp.app.get(WriteSyncWorker) as unknown as { purgeOldItems(): Promise<void> }).purgeOldItems();
    expect(purge).toHaveBeenCalledWith(7);
    expect(await testApp.dataSource.query(`SELECT text FROM notifications`)).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
