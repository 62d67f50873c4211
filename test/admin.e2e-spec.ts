import request from 'supertest';
import { CredentialsCipher } from '../src/organizations/credentials-cipher.service';
import { Organization } from '../src/organizations/entities/organization.entity';
import { cleanDatabase } from './support/clean-database';
import { snapshotDatabase } from './support/database-snapshot';
import { Fixtures, TestUser } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

describe('admin endpoints (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let rio: Organization;
  let root: TestUser;
  let rioAdmin: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    rio = await fixtures.organization('RIO');
    root = await fixtures.user('root', [], { superadmin: true });
    rioAdmin = await fixtures.user('rio-admin', [[rio, ['perm_Admin']]]);
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const as = (who: TestUser) => `Bearer ${who.token}`;
  const storedServer = async (organizationId: string) =>
    (await testApp.dataSource.query('SELECT * FROM api_servers WHERE organization_id = $1', [organizationId]))[0] as Record<string, unknown> | undefined;

  describe('POST /api/admin/organizations', () => {
    it('lets a superadmin create an organization, which is stored and can be given a server', async () => {
      const response = await http().post('/api/admin/organizations').set('Authorization', as(root)).send({ code: 'HOU', name: 'Houston expansion' }).expect(201);
      expect(response.body).toEqual({ id: expect.any(String), code: 'HOU', name: 'Houston expansion', createdAt: expect.any(String) });
      const [row] = await testApp.dataSource.query('SELECT code, name FROM organizations WHERE id = $1', [response.body.id]);
      expect(row).toEqual({ code: 'HOU', name: 'Houston expansion' });
      await http().get(`/api/admin/organizations/${response.body.id}/api-server`).set('Authorization', as(root)).expect(404);
    });

    it('answers 409 to a duplicate code and keeps the first organization as it was', async () => {
      const before = await snapshotDatabase(testApp.dataSource);
      const response = await http().post('/api/admin/organizations').set('Authorization', as(root)).send({ code: 'RIO', name: 'Another name' }).expect(409);
      expect(response.body).toMatchObject({ statusCode: 409, code: 'ORGANIZATION_EXISTS', message: expect.stringContaining('RIO') });
      expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
    });

    it('creates exactly one organization when the same code is posted twice at once', async () => {
      const answers = await Promise.all([1, 2, 3].map(() => http().post('/api/admin/organizations').set('Authorization', as(root)).send({ code: 'SAME', name: 'Race' })));
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
      expect(await testApp.dataSource.query("SELECT count(*)::int AS count FROM organizations WHERE code = 'SAME'")).toEqual([{ count: 1 }]);
    });

    it('refuses an organization admin who is not a superadmin', async () => {
      await http().post('/api/admin/organizations').set('Authorization', as(rioAdmin)).send({ code: 'HOU', name: 'Houston' }).expect(403);
      expect(await testApp.dataSource.query("SELECT count(*)::int AS count FROM organizations WHERE code = 'HOU'")).toEqual([{ count: 0 }]);
    });
  });

  describe('PUT /api/admin/organizations/:id/api-server', () => {
    const basic = {
      name: 'PEMS production',
      baseUrl: 'https://us1.eam.hxgnsmartcloud.com:443/axis/restservices/',
      tenant: 'ACME_PRD',
      authType: 'basic',
      username: 'svc-pems',
      password: 'Tr0ub4dor&3-pems',
      writeEnabled: true,
    };
    const put = (body: object, who = rioAdmin) => http().put(`/api/admin/organizations/${rio.id}/api-server`).set('Authorization', as(who)).send(body);
    const get = (who = rioAdmin) => http().get(`/api/admin/organizations/${rio.id}/api-server`).set('Authorization', as(who));

    it('stores the server with its credentials encrypted, and never shows the password', async () => {
      const response = await put(basic).expect(200);
      expect(response.body).toMatchObject({
        organizationId: rio.id,
        name: 'PEMS production',
        baseUrl: 'https://us1.eam.hxgnsmartcloud.com:443/axis/restservices',
        tenant: 'ACME_PRD',
        authType: 'basic',
        username: 'svc-pems',
        hasCredentials: true,
        writeEnabled: true,
        isActive: true,
      });
      expect(JSON.stringify(response.body)).not.toContain(basic.password);
      expect(response.body).not.toHaveProperty('password');
      expect(response.body).not.toHaveProperty('credentialsEncrypted');

      const read = await get().expect(200);
      expect(read.body).toEqual(response.body);
      expect(JSON.stringify(read.body)).not.toContain(basic.password);

      const row = await storedServer(rio.id);
      expect(JSON.stringify(row)).not.toContain(basic.password);
      expect(testApp.app.get(CredentialsCipher).decrypt(row!.credentials_encrypted as string)).toEqual({ username: 'svc-pems', password: basic.password });
    });

    it('keeps the stored credentials when a second PUT leaves them out', async () => {
      await put(basic).expect(200);
      const before = await storedServer(rio.id);
      const { password: _password, username: _username, ...withoutCredentials } = basic;
      // A tenant's rate limit is a superadmin's to change (docs/security.md).
      const response = await put({ ...withoutCredentials, name: 'PEMS production (renamed)', rateLimitPerSecond: 4 }, root).expect(200);
      expect(response.body).toMatchObject({ name: 'PEMS production (renamed)', rateLimitPerSecond: 4, hasCredentials: true, username: 'svc-pems' });
      const after = await storedServer(rio.id);
      expect(after!.credentials_encrypted).toBe(before!.credentials_encrypted);
      expect(after!.credentials_updated_at).toEqual(before!.credentials_updated_at);
      expect(after!.name).toBe('PEMS production (renamed)');
      expect((await get().expect(200)).body.hasCredentials).toBe(true);
    });

    it('changes only the password when only the password is given, and re-encrypts', async () => {
      await put(basic).expect(200);
      const before = await storedServer(rio.id);
      const { username: _username, ...withNewPassword } = { ...basic, password: 'a-brand-new-password' };
      await put(withNewPassword).expect(200);
      const after = await storedServer(rio.id);
      expect(after!.credentials_encrypted).not.toBe(before!.credentials_encrypted);
      expect(testApp.app.get(CredentialsCipher).decrypt(after!.credentials_encrypted as string)).toEqual({ username: 'svc-pems', password: 'a-brand-new-password' });
    });

    it('answers 400 when switching authType without new credentials, and keeps the server as it was', async () => {
      await put(basic).expect(200);
      const before = await snapshotDatabase(testApp.dataSource);
      const { password: _password, username: _username, ...rest } = basic;
      const response = await put({ ...rest, authType: 'api_key' }).expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'apiKey', code: 'MISSING_REQUIRED_FIELD' })]);
      expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
    });

    it('switches to api_key with a key, which is never shown, and then keeps it too', async () => {
      await put(basic).expect(200);
      const { password: _password, username: _username, ...rest } = basic;
      const switched = await put({ ...rest, authType: 'api_key', apiKey: 'key-0123456789abcdef' }).expect(200);
      expect(switched.body).toMatchObject({ authType: 'api_key', username: null, hasCredentials: true });
      expect(JSON.stringify(switched.body)).not.toContain('key-0123456789abcdef');
      const stored = await storedServer(rio.id);
      expect(testApp.app.get(CredentialsCipher).decrypt(stored!.credentials_encrypted as string)).toEqual({ apiKey: 'key-0123456789abcdef' });

      await put({ ...rest, authType: 'api_key', name: 'Renamed' }).expect(200);
      expect((await storedServer(rio.id))!.credentials_encrypted).toBe(stored!.credentials_encrypted);
    });

    it('refuses credentials of the other auth type and a first basic server without a password', async () => {
      await put({ ...basic, apiKey: 'key-0123456789abcdef' }).expect(400);
      const { password: _password, ...noPassword } = basic;
      const missing = await put(noPassword).expect(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'password', code: 'MISSING_REQUIRED_FIELD' })]);
      expect(await storedServer(rio.id)).toBeUndefined();
    });

    it('validates the field map: PFA field names to PEMS field names', async () => {
      for (const fieldMap of [
        { colour: 'PFS_F_COLOUR' },
        { monthlyRate: '' },
        { monthlyRate: 'PFS F RATE' },
        { monthlyRate: 42 },
        { monthlyRate: 'X'.repeat(65) },
        ['monthlyRate'],
      ]) {
        const response = await put({ ...basic, fieldMap }).expect(400);
        const fields = new Set(response.body.errors.map((error: { field: string }) => error.field));
        expect({ fieldMap, fields: [...fields] }).toEqual({ fieldMap, fields: ['fieldMap'] });
      }
      expect(await storedServer(rio.id)).toBeUndefined();

      const saved = await put({ ...basic, fieldMap: { monthlyRate: 'PFS_F_MONTHLYRATE', forecastStart: 'PFS_F_FCSTSTART' } }).expect(200);
      expect(saved.body.fieldMap).toEqual({ monthlyRate: 'PFS_F_MONTHLYRATE', forecastStart: 'PFS_F_FCSTSTART' });
      expect((await storedServer(rio.id))!.field_map).toEqual({ monthlyRate: 'PFS_F_MONTHLYRATE', forecastStart: 'PFS_F_FCSTSTART' });
    });

    it('answers 404 for an organization that does not exist, even to a superadmin', async () => {
      await http().put('/api/admin/organizations/6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f/api-server').set('Authorization', as(root)).send(basic).expect(404);
    });
  });

  describe('POST /api/admin/users', () => {
    const newUser = () => ({ username: 'carla', email: 'carla@example.com', password: 'carla-long-password', organizationId: rio.id, permissions: ['perm_Read', 'perm_Edit'] });

    it('creates a member with the permissions given, who can log in and sees them', async () => {
      const response = await http().post('/api/admin/users').set('Authorization', as(rioAdmin)).send(newUser()).expect(201);
      expect(response.body).toEqual({ userId: expect.any(String), username: 'carla', email: 'carla@example.com', organizationId: rio.id, permissions: ['perm_Read', 'perm_Edit'] });
      expect(JSON.stringify(response.body)).not.toContain('carla-long-password');

      const [stored] = await testApp.dataSource.query('SELECT password_hash, is_superadmin, is_active FROM users WHERE username = $1', [`carla`]);
      expect(stored).toEqual({ password_hash: expect.stringMatching(/^\$argon2|^\$2[aby]\$/), is_superadmin: false, is_active: true });

      const login = await http().post('/api/auth/login').send({ username: 'carla', password: 'carla-long-password' }).expect(200);
      const me = await http().get('/api/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
      expect(me.body.organizations).toEqual([{ organizationId: rio.id, code: 'RIO', name: 'RIO project', permissions: ['perm_Read', 'perm_Edit'] }]);
      await http().get('/api/pfa').query({ organizationId: rio.id }).set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    });

    it('answers 409 to a username that is taken, and creates nothing', async () => {
      await http().post('/api/admin/users').set('Authorization', as(rioAdmin)).send(newUser()).expect(201);
      const before = await snapshotDatabase(testApp.dataSource);
      const response = await http()
        .post('/api/admin/users')
        .set('Authorization', as(rioAdmin))
        .send({ ...newUser(), email: 'other@example.com', password: 'another-password' })
        .expect(409);
      expect(response.body.code).toBe('USER_EXISTS');
      expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
      await http().post('/api/auth/login').send({ username: 'carla', password: 'another-password' }).expect(401);
    });

    it('refuses short passwords and unknown permissions with the fields named', async () => {
      const response = await http()
        .post('/api/admin/users')
        .set('Authorization', as(rioAdmin))
        .send({ ...newUser(), password: 'short', permissions: ['perm_Read', 'perm_God'] })
        .expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['password', 'permissions']);
      expect(await testApp.dataSource.query("SELECT count(*)::int AS count FROM users WHERE username = 'carla'")).toEqual([{ count: 0 }]);
    });
  });

  describe('PUT /api/admin/organizations/:id/members/:userId', () => {
    const putMember = (userId: string, permissions: string[], who = rioAdmin) =>
      http().put(`/api/admin/organizations/${rio.id}/members/${userId}`).set('Authorization', as(who)).send({ permissions });

    it("changes a member's permissions, which take effect on their next request", async () => {
      const dora = await fixtures.user('dora', [[rio, ['perm_Read']]]);
      await http().get('/api/pfa').query({ organizationId: rio.id }).set('Authorization', as(dora)).expect(200);

      const response = await putMember(dora.user.id, ['perm_Edit', 'perm_Sync']).expect(200);
      expect(response.body).toEqual({ userId: dora.user.id, username: 'dora', email: 'dora@example.com', organizationId: rio.id, permissions: ['perm_Edit', 'perm_Sync'] });
      await http().get('/api/pfa').query({ organizationId: rio.id }).set('Authorization', as(dora)).expect(403);
      const me = await http().get('/api/auth/me').set('Authorization', as(dora)).expect(200);
      expect(me.body.organizations[0].permissions).toEqual(['perm_Edit', 'perm_Sync']);
    });

    it('adds a membership to a user of another organization, and an empty list keeps it with no rights', async () => {
      const hou = await fixtures.organization('HOU');
      const eve = await fixtures.user('eve', [[hou, ['perm_Read']]]);
      // An organization admin reaches the users of organizations they administer (docs/security.md).
      await fixtures.grant(rioAdmin.user, hou, ['perm_Admin']);
      await putMember(eve.user.id, ['perm_Read']).expect(200);
      await http().get('/api/pfa').query({ organizationId: rio.id }).set('Authorization', as(eve)).expect(200);
      await putMember(eve.user.id, []).expect(200);
      await http().get('/api/pfa').query({ organizationId: rio.id }).set('Authorization', as(eve)).expect(403);
      const me = await http().get('/api/auth/me').set('Authorization', as(eve)).expect(200);
      expect(me.body.organizations.map((membership: { code: string; permissions: string[] }) => [membership.code, membership.permissions])).toEqual([
        ['HOU', ['perm_Read']],
        ['RIO', []],
      ]);
    });

    it('answers 404 for an unknown user and changes nothing', async () => {
      const before = await snapshotDatabase(testApp.dataSource);
      const response = await putMember('6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f', ['perm_Read']).expect(404);
      expect(response.body.code).toBe('NOT_FOUND');
      expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
    });
  });
});
