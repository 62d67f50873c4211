import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { AUDITED_KEY, AUDIT_ACTIONS, AUDIT_EXEMPT_KEY } from '../src/common/audited.decorator';
import { ENDPOINTS, endpointName } from './support/endpoint-catalogue';
import { TestUser } from './support/fixtures';
import { SIM_CREDENTIALS, WriteSyncHarness, pfaIds, waitUntil } from './support/write-sync-harness';
import { waitForModifications } from './support/write-sync-helpers';

/**
 * The state-changing routes deliberately not audited: signing in; checking a conflict's
 * resolution (it changes nothing); marking one's own notifications read (no organization's data changes).
 */
const EXEMPT_ROUTES = ['POST /api/auth/login', 'POST /api/pems/conflicts/:conflictId/check', 'POST /api/notifications/read'];

/** The action each state-changing endpoint is audited as (console-contract.md, A.7). */

const EXPECTED_ACTIONS: Record<string, string> = {
  'PATCH /api/pfa/:id': 'pfa.edit',
  'POST /api/pfa/:id/restore': 'pfa.restore',
  'DELETE /api/pfa/modifications/:id': 'modification.discard',
  'POST /api/pems/write-sync': 'write-sync.send',
  'POST /api/pems/write-queue/retry': 'queue.retry',
  'POST /api/pems/write-queue/cancel': 'queue.cancel',
  'POST /api/pems/write-queue/:id/cancel': 'queue.cancel',
  'POST /api/admin/organizations/:id/api-server/pause': 'server.pause',
  'POST /api/admin/organizations/:id/api-server/resume': 'server.resume',
  'POST /api/pems/conflicts/:conflictId/resolve': 'conflict.resolve',
  // One entry per conflict resolved, written by the service (test/conflicts-console.e2e-spec.ts).
  'POST /api/pems/conflicts/resolve': 'conflict.resolve',
  'POST /api/pems/read-sync': 'read-sync.start',
  'PUT /api/admin/organizations/:id/api-server': 'admin.api-server.update',
  'POST /api/admin/organizations': 'admin.organization.create',
  'POST /api/admin/users': 'admin.user.create',
  'PUT /api/admin/organizations/:id/members/:userId': 'admin.member.update',
  'PUT /api/admin/organizations/:id/webhook': 'admin.webhook.update',
  'DELETE /api/admin/organizations/:id/webhook': 'admin.webhook.delete',
};

const NEW_USER_PASSWORD = 'a brand new user password';
const NEW_PEMS_PASSWORD = 'a-rotated-pems-password-#9';
const WEBHOOK_SECRET = 'a-webhook-signing-secret-#4';
/** The receiver's own token in the query: the audit keeps the URL's origin only. */
const WEBHOOK_URL = 'http://127.0.0.1:9/hooks/pems-sync?token=receiver-token-77';

/**
 * The audit of actions (docs/api-console-admin.md): every state-changing call that succeeds
 * leaves one entry with who, when, what and on what, and never a secret; GET /api/audit lists
 * them for admins; a refused call leaves none; an entry that cannot be written does not undo or
 * fail its action, and says so loudly.
 */
describe('audit of actions (e2e)', () => {
  let h: WriteSyncHarness;
  let root: TestUser;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset(6);
    root = await h.fixtures.user('root', [], { superadmin: true });
    // The reset's own read sync (a POST of the planner's) is not what these tests look at.
    await h.dataSource.query('DELETE FROM audit_log');
  });
  afterAll(async () => {
    await h.stop();
  });

  const audit = (query: Record<string, unknown>, user: TestUser = h.admin) =>
    h
      .http()
      .get('/api/audit')
      .query({ organizationId: h.rio.id, ...query })
      .set(h.as(user));
  const entries = async (): Promise<Array<{ action: string; username: string; organization_id: string | null; target: string | null; detail: Record<string, unknown> }>> =>
    h.dataSource.query('SELECT action, username, organization_id, target, detail FROM audit_log ORDER BY id');

  it('holds every POST, PUT, PATCH and DELETE route of the app to @Audited or @AuditExempt, with the contract names', () => {
    const found: Array<{ route: string; audited?: string; exempt?: string }> = [];
    for (const module of h.testApp.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
        if (!controller) continue;
        const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as Record<string, unknown>)[name];
          if (typeof handler !== 'function' || name === 'constructor') continue;
          const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
          if (method === undefined || ![RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE].includes(method)) continue;
          const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
          for (const prefix of prefixes) {
            for (const path of paths) {
              const route = `${RequestMethod[method]} ${['/api', prefix, path]
                .filter((part) => part && part !== '/')
                .join('/')
                .replace(/\/+/g, '/')}`;
              found.push({ route, audited: Reflect.getMetadata(AUDITED_KEY, handler), exempt: Reflect.getMetadata(AUDIT_EXEMPT_KEY, handler) });
            }
          }
        }
      }
    }
    expect(found.filter((route) => !route.audited && !route.exempt)).toEqual([]);
    expect(
      found
        .filter((route) => route.exempt)
        .map((route) => route.route)
        .sort(),
    ).toEqual([...EXEMPT_ROUTES].sort());
    expect(Object.fromEntries(found.filter((route) => route.audited).map((route) => [route.route, route.audited]))).toEqual(EXPECTED_ACTIONS);
    // Every action is used, and the catalogue's state-changing rows are the same routes.
    expect(new Set(Object.values(EXPECTED_ACTIONS))).toEqual(new Set(AUDIT_ACTIONS));
    const catalogued = ENDPOINTS.filter((endpoint) => endpoint.method !== 'get' && !EXEMPT_ROUTES.includes(endpointName(endpoint))).map(endpointName);
    expect(catalogued.sort()).toEqual(Object.keys(EXPECTED_ACTIONS).sort());
  });

  it('keeps one entry per successful action with who, the organization, the target and its detail, and never a secret', async () => {
    const http = () => h.http();
    // admin.organization.create: the new organization is the entry's organization.
    const created = await http().post('/api/admin/organizations').set(h.as(root)).send({ code: 'NEWCO', name: 'New company' }).expect(201);
    // admin.user.create and admin.member.update.
    const user = await http()
      .post('/api/admin/users')
      .set(h.as(h.admin))
      .send({ username: 'new-planner', email: 'new.planner@example.com', password: NEW_USER_PASSWORD, organizationId: h.rio.id, permissions: ['perm_Read'] })
      .expect(201);
    await http()
      .put(`/api/admin/organizations/${h.rio.id}/members/${user.body.userId}`)
      .set(h.as(h.admin))
      .send({ permissions: ['perm_Read', 'perm_Edit'] })
      .expect(200);
    // read-sync.start.
    await http().post('/api/pems/read-sync').set(h.as()).send({ organizationId: h.rio.id }).expect(200);
    // pfa.edit, then modification.discard.
    const [first, second, third] = pfaIds(3);
    const discarded = await h.edit(first, { model: 'to be discarded' });
    await http().delete(`/api/pfa/modifications/${discarded}`).set(h.as()).expect(200);
    // server.pause, write-sync.send (held by the pause), queue.cancel, server.resume.
    await http().post(`/api/admin/organizations/${h.rio.id}/api-server/pause`).set(h.as(h.admin)).send({ reason: 'PEMS maintenance' }).expect(200);
    const cancelled = await h.edit(second, { model: 'to be cancelled' });
    const queued = await h.queueOk({ modificationIds: [cancelled], priority: 7 });
    const item = await h.itemOf(cancelled);
    await http().post(`/api/pems/write-queue/${item.id}/cancel`).set(h.as()).expect(200);
    await http().post(`/api/admin/organizations/${h.rio.id}/api-server/resume`).set(h.as(h.admin)).expect(200);
    // queue.retry: the cancelled item is not failed, so it is skipped; the call succeeded all the same.
    const retried = await http()
      .post('/api/pems/write-queue/retry')
      .set(h.as())
      .send({ organizationId: h.rio.id, ids: [item.id] })
      .expect(200);
    expect(retried.body).toEqual({ retriedCount: 0, skipped: [{ id: item.id, reason: expect.any(String) }] });
    // pfa.restore: the colleague sets the second record back to its version as read (the planner's edit of it is still pending).
    const secondRecord = await h.recordOf(second);
    const restored = await http()
      .post(`/api/pfa/${secondRecord.id}/restore`)
      .set(h.as(h.colleague))
      .send({ version: secondRecord.version, changeReason: 'Back as it was' })
      .expect(201);
    // conflict.resolve: PEMS changed the same field meanwhile.
    const record = await h.recordOf(third);
    const conflicting = await h.edit(third, { monthlyRate: 17_250 });
    h.simulator.changeRecord('RIO', third, { monthlyRate: 18_000 });
    await h.queueOk({ modificationIds: [conflicting] });
    await waitForModifications(h.dataSource, [conflicting], ['conflict']);
    const [conflict] = await h.dataSource.query('SELECT id FROM pfa_sync_conflict WHERE modification_id = $1', [conflicting]);
    await http().post(`/api/pems/conflicts/${conflict.id}/resolve`).set(h.as()).send({ resolution: 'use_pems' }).expect(200);
    // admin.webhook.update and admin.webhook.delete: which fields changed and the receiver's origin, not the secret or the URL's query.
    const webhook = await http().put(`/api/admin/organizations/${h.rio.id}/webhook`).set(h.as(h.admin)).send({ url: WEBHOOK_URL, secret: WEBHOOK_SECRET }).expect(200);
    await http().delete(`/api/admin/organizations/${h.rio.id}/webhook`).set(h.as(h.admin)).expect(200);
    // admin.api-server.update with a new password (last: the simulator does not know it): which fields changed, not the password.
    await h.putApiServer({ username: SIM_CREDENTIALS.username, password: NEW_PEMS_PASSWORD, timeoutMs: 4000 }).expect(200);

    const rows = await entries();
    const byAction = (action: string) => rows.filter((row) => row.action === action);
    expect(new Set(rows.map((row) => row.action))).toEqual(new Set(AUDIT_ACTIONS));
    expect(byAction('admin.organization.create')).toEqual([
      { action: 'admin.organization.create', username: 'root', organization_id: created.body.id, target: 'NEWCO', detail: { code: 'NEWCO', name: 'New company' } },
    ]);
    expect(byAction('admin.api-server.update')).toEqual([
      expect.objectContaining({
        username: 'rio-admin',
        organization_id: h.rio.id,
        detail: { outcome: 'updated', changedFields: expect.arrayContaining(['credentials', 'timeoutMs']) },
      }),
    ]);
    expect(byAction('admin.user.create')).toEqual([
      expect.objectContaining({
        target: user.body.userId,
        detail: { username: 'new-planner', email: 'new.planner@example.com', permissions: ['perm_Read'] },
      }),
    ]);
    expect(byAction('admin.member.update')[0]).toEqual(
      expect.objectContaining({ target: user.body.userId, detail: { username: 'new-planner', permissions: ['perm_Read', 'perm_Edit'] } }),
    );
    expect(byAction('read-sync.start')[0].detail).toEqual(expect.objectContaining({ confirmDeletions: false, unchanged: 6, created: 0, skippedCount: 0 }));
    expect(byAction('pfa.edit').map((row) => row.target)).toEqual([first, second, third]);
    expect(byAction('pfa.edit')[0]).toEqual(
      expect.objectContaining({
        username: 'planner',
        organization_id: h.rio.id,
        detail: expect.objectContaining({ modificationId: discarded, changes: { model: 'to be discarded' } }),
      }),
    );
    expect(byAction('pfa.restore')).toEqual([
      expect.objectContaining({
        username: 'colleague',
        target: second,
        detail: {
          recordId: secondRecord.id,
          version: secondRecord.version,
          modificationId: restored.body.id,
          changes: { model: secondRecord.data.model },
          changeReason: 'Back as it was',
        },
      }),
    ]);
    expect(byAction('modification.discard')).toEqual([expect.objectContaining({ target: first, detail: { modificationId: discarded } })]);
    expect(byAction('server.pause')).toEqual([expect.objectContaining({ username: 'rio-admin', detail: { reason: 'PEMS maintenance', changed: true } })]);
    expect(byAction('server.resume')).toEqual([expect.objectContaining({ detail: { changed: true } })]);
    expect(byAction('write-sync.send')[0]).toEqual(expect.objectContaining({ target: queued.jobId, detail: { modificationIds: [cancelled], priority: 7, queuedCount: 1 } }));
    expect(byAction('queue.cancel')).toEqual([expect.objectContaining({ target: item.id, detail: { pfaId: second } })]);
    expect(byAction('queue.retry')).toEqual([expect.objectContaining({ target: null, detail: { ids: [item.id], retriedCount: 0, skippedCount: 1 } })]);
    expect(byAction('conflict.resolve')).toEqual([expect.objectContaining({ target: conflict.id, detail: { resolution: 'use_pems', mergedData: null, appliedFields: [] } })]);
    expect(byAction('admin.webhook.update')).toEqual([
      expect.objectContaining({
        username: 'rio-admin',
        organization_id: h.rio.id,
        target: webhook.body.id,
        detail: { outcome: 'created', changedFields: ['url', 'secret', 'events', 'active'], origin: 'http://127.0.0.1:9' },
      }),
    ]);
    expect(byAction('admin.webhook.delete')).toEqual([expect.objectContaining({ target: webhook.body.id, detail: { origin: 'http://127.0.0.1:9' } })]);
    expect(record.pfaId).toBe(third);

    const everything = JSON.stringify(rows) + JSON.stringify((await audit({ pageSize: 500 }).expect(200)).body);
    for (const secret of [NEW_USER_PASSWORD, NEW_PEMS_PASSWORD, WEBHOOK_SECRET, 'receiver-token-77', SIM_CREDENTIALS.password, h.admin.token, h.planner.token]) {
      expect(everything).not.toContain(secret);
    }
  }, 60_000);

  it('lists the entries for admins: newest first, paged, by action; 403 without perm_Admin; 400 on bad input', async () => {
    for (const pfaId of pfaIds(5)) await h.edit(pfaId, { model: `${pfaId} audited` });
    await h.http().post(`/api/admin/organizations/${h.rio.id}/api-server/pause`).set(h.as(h.admin)).send({ reason: 'PEMS maintenance' }).expect(200);

    const all = (await audit({}).expect(200)).body;
    expect(all).toEqual({ items: expect.any(Array), total: 6, page: 1, pageSize: 50 });
    expect(all.items[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      at: expect.any(String),
      user: { id: h.admin.user.id, username: 'rio-admin' },
      organizationId: h.rio.id,
      action: 'server.pause',
      target: expect.any(String),
      detail: { reason: 'PEMS maintenance', changed: true },
    });
    const ids = all.items.map((item: { id: string }) => BigInt(item.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));

    const second = (await audit({ page: 2, pageSize: 4 }).expect(200)).body;
    expect(second).toEqual({ items: all.items.slice(4, 6), total: 6, page: 2, pageSize: 4 });
    const edits = (await audit({ action: 'pfa.edit' }).expect(200)).body;
    expect(edits.total).toBe(5);
    expect(edits.items.map((item: { target: string }) => item.target)).toEqual(pfaIds(5).reverse());

    // A superadmin holds every permission; a planner does not hold perm_Admin; an admin of another organization is not one here.
    await audit({}, root).expect(200);
    await audit({}, h.planner).expect(403);
    const other = await h.fixtures.organization('OTHER');
    const otherAdmin = await h.fixtures.user('other-admin', [[other, ['perm_Read', 'perm_Admin']]]);
    await audit({}, otherAdmin).expect(403);
    for (const query of [{ action: 'pfa.delete' }, { pageSize: 501 }, { page: 0 }, { organizationId: 'not-a-uuid' }, { unknown: 1 }]) {
      const response = await audit(query).expect(400);
      expect(response.body.code).toBeDefined();
    }
    await h.http().get('/api/audit').set(h.as(h.admin)).expect(400);
  });

  it('keeps no entry for a call that was refused or failed', async () => {
    const record = await h.recordOf(pfaIds(1)[0]);
    await h
      .http()
      .patch(`/api/pfa/${record.id}`)
      .set(h.as())
      .send({ changes: { monthlyRate: -5 } })
      .expect(400);
    await h.http().post(`/api/admin/organizations/${h.rio.id}/api-server/pause`).set(h.as(h.planner)).send({ reason: 'not mine to pause' }).expect(403);
    await h
      .http()
      .post('/api/pems/write-sync')
      .set(h.as())
      .send({ organizationId: h.rio.id, modificationIds: [h.rio.id] })
      .expect(400);
    await h.putApiServer({ rateLimitPerSecond: 3 }).expect(403);
    expect(await entries()).toEqual([]);
  });

  it('answers the action as it happened when its entry cannot be written, and says so in the log and the metrics', async () => {
    const counter = async () => {
      const text = (await h.http().get('/metrics').expect(200)).text;
      const line = text.split('\n').find((candidate) => candidate.startsWith('pems_sync_audit_write_failures_total{action="pfa.edit"}'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await counter();
    await h.dataSource.query('ALTER TABLE audit_log ADD CONSTRAINT ck_test_refuse_all CHECK (false) NOT VALID');
    try {
      const id = await h.edit(pfaIds(1)[0], { model: 'edited while the audit refuses' });
      expect((await h.modification(id)).status).toBe('pending');
    } finally {
      await h.dataSource.query('ALTER TABLE audit_log DROP CONSTRAINT ck_test_refuse_all');
    }
    await waitUntil('the failure counted', async () => (await counter()) === before + 1);
    expect(await entries()).toEqual([]);
  });
});
