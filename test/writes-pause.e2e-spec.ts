import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerAuthPauseService } from '../src/write-sync/server-auth-pause.service';
import { EventStream } from './support/event-stream';
import { TestUser } from './support/fixtures';
import { WriteSyncHarness, pfaIds, waitUntil } from './support/write-sync-harness';
import { waitForModifications } from './support/write-sync-helpers';

/**
 * An admin pauses an organization's writes for a maintenance window at PEMS, and resumes them
 * (docs/api-console-admin.md): nothing is claimed or sent meanwhile, sync-status says why, the
 * event stream tells, and a resume sends the backlog at once. The cron is set to once a year, so
 * that only a resume can have woken the worker.
 */
describe('pausing and resuming writes (e2e)', () => {
  let h: WriteSyncHarness;
  let appUrl: string;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    h = await WriteSyncHarness.start({ PEMS_WRITE_SYNC_SCHEDULE: '0 0 1 1 *' });
    await h.testApp.app.listen(0, '127.0.0.1');
    appUrl = `http://127.0.0.1:${(h.testApp.app.getHttpServer().address() as AddressInfo).port}`;
  });
  beforeEach(async () => {
    await h.reset(6);
  });
  afterEach(() => {
    streams.splice(0).forEach((stream) => stream.close());
  });
  afterAll(async () => {
    await h.stop();
  });

  const pause = (reason: unknown, user: TestUser = h.admin) =>
    h
      .http()
      .post(`/api/admin/organizations/${h.rio.id}/api-server/pause`)
      .set(h.as(user))
      .send(reason === undefined ? {} : { reason });
  const resume = (user: TestUser = h.admin) => h.http().post(`/api/admin/organizations/${h.rio.id}/api-server/resume`).set(h.as(user));
  const pauseColumns = async () =>
    (await h.dataSource.query('SELECT writes_paused_at, writes_paused_by, writes_pause_reason FROM api_servers WHERE organization_id = $1', [h.rio.id]))[0];

  it("a send's last look names the pause that holds it, so an item held by an admin's pause is never labelled with rejected credentials", async () => {
    const looks = h.testApp.app.get(ServerAuthPauseService);
    const lookAfresh = async () => {
      await sleep(150); // past the look's 100 ms of reuse
      return looks.pauseHolding(h.rio.id);
    };
    expect(await lookAfresh()).toBeNull();
    await pause('PEMS maintenance').expect(200);
    expect(await lookAfresh()).toBe('writes');
    await looks.credentialsRejected(h.rio.id, 'rejected while paused');
    // Both hold: the admin's pause is named, since resuming is what the people watching wait for.
    expect(await lookAfresh()).toBe('writes');
    await resume().expect(200);
    expect(await lookAfresh()).toBe('credentials');
  });

  it('while paused, queued items stay pending and PEMS receives no write; sync-status says why; a resume sends them at once', async () => {
    const paused = await pause('PEMS maintenance').expect(200);
    expect(paused.body).toEqual(
      expect.objectContaining({
        organizationId: h.rio.id,
        writesPausedAt: expect.any(String),
        writesPausedBy: { id: h.admin.user.id, username: 'rio-admin' },
        writesPauseReason: 'PEMS maintenance',
      }),
    );
    const pausedAt = new Date(paused.body.writesPausedAt);
    expect(Math.abs(pausedAt.getTime() - Date.now())).toBeLessThan(5000);

    const ids: string[] = [];
    for (const pfaId of pfaIds(3)) ids.push(await h.edit(pfaId, { model: `${pfaId} during maintenance` }));
    expect((await h.queueOk()).queuedCount).toBe(3);

    // Queueing woke the worker (NOTIFY); give it time to have claimed, had it been allowed to.
    await sleep(1500);
    await h.worker().idle();
    const items = await h.dataSource.query('SELECT status, retry_count FROM pfa_write_queue WHERE organization_id = $1', [h.rio.id]);
    expect(items).toEqual([0, 1, 2].map(() => ({ status: 'pending', retry_count: 0 })));
    expect((await Promise.all(ids.map((id) => h.modification(id)))).map((modification) => modification.status)).toEqual(['queued', 'queued', 'queued']);
    expect(h.updates()).toEqual([]);

    const status = await h.syncStatus().expect(200);
    expect(status.body.health).toBe('degraded');
    expect(status.body.totalQueued).toBe(3);
    expect(status.body.healthReasons).toEqual([`writes paused by rio-admin at ${pausedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}: PEMS maintenance`]);

    const shown = await h.http().get(`/api/admin/organizations/${h.rio.id}/api-server`).set(h.as(h.admin)).expect(200);
    expect(shown.body).toEqual(
      expect.objectContaining({ writesPausedAt: paused.body.writesPausedAt, writesPausedBy: paused.body.writesPausedBy, writesPauseReason: 'PEMS maintenance' }),
    );

    const resumedAt = Date.now();
    const resumed = await resume().expect(200);
    expect(resumed.body).toEqual(expect.objectContaining({ writesPausedAt: null, writesPausedBy: null, writesPauseReason: null }));
    await waitForModifications(h.dataSource, ids, ['synced'], 10_000);
    // The cron fires once a year: the resume's wake-up sent them.
    expect(Date.now() - resumedAt).toBeLessThan(10_000);
    expect(
      h
        .updates()
        .map((entry) => entry.pfaId)
        .sort(),
    ).toEqual(pfaIds(3));
    expect((await h.syncStatus().expect(200)).body.health).toBe('healthy');
  });

  it('keeps the first pause when paused again, and changes nothing when resuming writes that are not paused', async () => {
    const superadmin = await h.fixtures.user('root', [], { superadmin: true });
    const first = await pause('PEMS upgrade to 12.1').expect(200);
    const columns = await pauseColumns();
    const again = await pause('another reason', superadmin).expect(200);
    expect(again.body.writesPausedAt).toBe(first.body.writesPausedAt);
    expect(again.body.writesPausedBy).toEqual({ id: h.admin.user.id, username: 'rio-admin' });
    expect(again.body.writesPauseReason).toBe('PEMS upgrade to 12.1');
    expect(await pauseColumns()).toEqual(columns);

    // A superadmin holds every permission: they resume without being a member.
    await resume(superadmin).expect(200);
    const cleared = await pauseColumns();
    expect(cleared).toEqual({ writes_paused_at: null, writes_paused_by: null, writes_pause_reason: null });
    const twice = await resume().expect(200);
    expect(twice.body.writesPausedAt).toBeNull();
    expect(await pauseColumns()).toEqual(cleared);
  });

  it('answers 403 to a member without perm_Admin, 400 to a missing, blank or too long reason, and changes nothing', async () => {
    await pause('maintenance', h.planner).expect(403);
    for (const reason of [undefined, '', '   ', 'x'.repeat(501), 42, null]) {
      const response = await pause(reason).expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain('reason');
    }
    expect(await pauseColumns()).toEqual({ writes_paused_at: null, writes_paused_by: null, writes_pause_reason: null });
    await pause('x'.repeat(500)).expect(200);
    await resume(h.planner).expect(403);
    expect((await pauseColumns()).writes_paused_at).not.toBeNull();
    const [{ count }] = await h.dataSource.query(`SELECT count(*)::int AS count FROM audit_log WHERE action IN ('server.pause', 'server.resume')`);
    expect(count).toBe(1);
  });

  it('answers 404 to an organization without an API server', async () => {
    const other = await h.fixtures.organization('NOSERVER');
    const admin = await h.fixtures.user('noserver-admin', [[other, ['perm_Admin']]]);
    await h.http().post(`/api/admin/organizations/${other.id}/api-server/pause`).set(h.as(admin)).send({ reason: 'maintenance' }).expect(404);
  });

  it('tells the event stream: server.paused with the reason, server.resumed with who', async () => {
    const stream = await EventStream.open(appUrl, h.rio, h.planner, 'RIO stream');
    streams.push(stream);
    await pause('PEMS maintenance').expect(200);
    const pausedEvent = await stream.waitFor((event) => event.type === 'server.paused', 'server.paused');
    expect(pausedEvent.data).toEqual(
      expect.objectContaining({ type: 'server.paused', organizationId: h.rio.id, detail: 'PEMS maintenance', username: 'rio-admin', at: expect.any(String) }),
    );
    // A pause that changes nothing tells nothing.
    await pause('again').expect(200);
    await resume().expect(200);
    const resumedEvent = await stream.waitFor((event) => event.type === 'server.resumed', 'server.resumed');
    expect(resumedEvent.data).toEqual(expect.objectContaining({ type: 'server.resumed', organizationId: h.rio.id, detail: 'rio-admin', username: 'rio-admin' }));
    await sleep(200);
    expect(stream.syncEvents.map((event) => event.type)).toEqual(['server.paused', 'server.resumed']);
  });

  it('sends nothing more once paused while items are in flight: a claimed item not yet sent goes back to the queue at no cost of a retry', async () => {
    // One request a second: the tenant's two places hold an item being sent and one waiting for its turn.
    await h.reset(6, { rateLimitPerSecond: 1 });
    const ids: string[] = [];
    for (const pfaId of pfaIds(5)) ids.push(await h.edit(pfaId, { model: `${pfaId} slowly` }));
    await h.queueOk();
    await waitUntil('the first write reaching PEMS', () => h.updates().length >= 1);
    await pause('PEMS maintenance').expect(200);
    const sentWhenPaused = h.updates().length;

    await sleep(2500);
    await h.worker().idle();
    // A send already past its last look may still arrive; nothing after that.
    expect(h.updates().length - sentWhenPaused).toBeLessThanOrEqual(1);
    const sent = h.updates().length;
    const items: Array<{ status: string; retry_count: number; last_error: string | null }> = await h.dataSource.query(
      'SELECT status, retry_count, last_error FROM pfa_write_queue WHERE organization_id = $1',
      [h.rio.id],
    );
    expect(items.filter((item) => item.status === 'completed')).toHaveLength(sent);
    const waiting = items.filter((item) => item.status === 'pending');
    expect(waiting.map((item) => item.retry_count)).toEqual(Array.from({ length: 5 - sent }, () => 0));
    // The second place's item had been claimed and was waiting for its turn: handed back, saying why.
    expect(waiting.filter((item) => item.last_error === 'Waiting: an admin paused the writes to PEMS').length).toBeGreaterThanOrEqual(1);

    await resume().expect(200);
    await waitForModifications(h.dataSource, ids, ['synced'], 20_000);
    expect(
      h
        .updates()
        .map((entry) => entry.pfaId)
        .sort(),
    ).toEqual(pfaIds(5));
  });
});
