import { PemsRateLimiter } from '../src/pems/client/pems-rate-limiter';
import { SIM_CREDENTIALS, SIM_TENANT, WriteSyncHarness, pfaIds } from './support/write-sync-harness';
import { waitForModifications } from './support/write-sync-helpers';

/**
 * GET /api/pems/server-state: the console's view of the organization's PEMS server. Its figures
 * move with the sends; its pauses show who, when and why; it never holds a credential.
 */
describe('GET /api/pems/server-state (e2e)', () => {
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset(8);
  });
  afterAll(async () => {
    await h.stop();
  });

  const state = (organizationId = h.rio.id, user = h.planner) => h.http().get('/api/pems/server-state').query({ organizationId }).set(h.as(user));

  it("shows the server, its tenant's limit, and requests counted as they are sent", async () => {
    const before = (await state().expect(200)).body;
    expect(before).toEqual({
      configured: true,
      name: 'PEMS simulator',
      baseUrl: h.baseUrl,
      tenant: SIM_TENANT,
      writeEnabled: true,
      isActive: true,
      rateLimitPerSecond: 10,
      sentLastMinute: expect.any(Number),
      usedPerSecondNow: expect.any(Number),
      credentialsPaused: null,
      writesPaused: null,
      retryAfterUntil: null,
    });
    // The reset's read sync walked the grid: those requests count too.
    expect(before.sentLastMinute).toBeGreaterThan(0);

    const ids: string[] = [];
    for (const pfaId of pfaIds(4)) ids.push(await h.edit(pfaId, { model: `${pfaId} counted` }));
    await h.queueOk();
    await waitForModifications(h.dataSource, ids, ['synced']);
    const after = (await state().expect(200)).body;
    // Every request the simulator received since the reset was granted, and counted, once.
    expect(after.sentLastMinute - before.sentLastMinute).toBe(h.simulator.getLog().length);
    expect(h.updates()).toHaveLength(4);
    expect(after.usedPerSecondNow).toBeGreaterThanOrEqual(0.4);
    expect(after.usedPerSecondNow).toBeLessThanOrEqual(after.rateLimitPerSecond);
  });

  it('shows the pauses: rejected credentials, an admin, a Retry-After; and the rate a superadmin set', async () => {
    await h.holdServer();
    await h.http().post(`/api/admin/organizations/${h.rio.id}/api-server/pause`).set(h.as(h.admin)).send({ reason: 'PEMS maintenance' }).expect(200);
    const [{ tenant_key: tenantKey }] = await h.dataSource.query('SELECT tenant_key FROM api_servers WHERE organization_id = $1', [h.rio.id]);
    await h.testApp.app.get(PemsRateLimiter).pause(tenantKey, 60_000);
    const root = await h.fixtures.user('root', [], { superadmin: true });
    await h.putApiServer({ rateLimitPerSecond: 7 }).set(h.as(root)).expect(200);

    const body = (await state().expect(200)).body;
    expect(body.rateLimitPerSecond).toBe(7);
    expect(body.credentialsPaused).toEqual({ since: expect.any(String), until: expect.any(String), message: 'held by the test' });
    expect(new Date(body.credentialsPaused.until).getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(body.writesPaused).toEqual({ at: expect.any(String), by: { id: h.admin.user.id, username: 'rio-admin' }, reason: 'PEMS maintenance' });
    const retryAfter = new Date(body.retryAfterUntil).getTime() - Date.now();
    expect(retryAfter).toBeGreaterThan(50_000);
    expect(retryAfter).toBeLessThanOrEqual(61_000);
  });

  it('never shows a credential, not even one written into the base URL or its query string', async () => {
    await h.dataSource.query(
      `UPDATE api_servers SET base_url = 'http://svc-user:hunter2-secret@127.0.0.1:9/axis/restservices?api_key=query-secret#frag-secret' WHERE organization_id = $1`,
      [h.rio.id],
    );
    const response = await state().expect(200);
    expect(response.body.baseUrl).toBe('http://127.0.0.1:9/axis/restservices');
    for (const secret of [SIM_CREDENTIALS.password, 'hunter2-secret', 'svc-user', 'query-secret', 'frag-secret']) expect(response.text).not.toContain(secret);
    expect(Object.keys(response.body).sort()).toEqual(
      [
        'configured',
        'name',
        'baseUrl',
        'tenant',
        'writeEnabled',
        'isActive',
        'rateLimitPerSecond',
        'sentLastMinute',
        'usedPerSecondNow',
        'credentialsPaused',
        'writesPaused',
        'retryAfterUntil',
      ].sort(),
    );
  });

  it('answers configured: false (the rest null) for an organization without a server; 403 to a non-member, 400 to a bad organizationId', async () => {
    const bare = await h.fixtures.organization('BARE');
    const reader = await h.fixtures.user('bare-reader', [[bare, ['perm_Read']]]);
    const body = (await state(bare.id, reader).expect(200)).body;
    expect(body).toEqual({
      configured: false,
      name: null,
      baseUrl: null,
      tenant: null,
      writeEnabled: null,
      isActive: null,
      rateLimitPerSecond: null,
      sentLastMinute: null,
      usedPerSecondNow: null,
      credentialsPaused: null,
      writesPaused: null,
      retryAfterUntil: null,
    });
    await state(h.rio.id, reader).expect(403);
    await state('not-a-uuid').expect(400);
    await h.http().get('/api/pems/server-state').set(h.as()).expect(400);
  });
});
