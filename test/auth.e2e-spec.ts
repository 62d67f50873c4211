import request from 'supertest';
import { cleanDatabase } from './support/clean-database';
import { Fixtures } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

describe('auth (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
  });
  beforeEach(() => cleanDatabase(testApp.dataSource));
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  it('logs in with the right password and returns a token that works', async () => {
    const rio = await fixtures.organization('RIO');
    await fixtures.user('alice', [[rio, ['perm_Read', 'perm_Edit']]]);

    const login = await http().post('/api/auth/login').send({ username: 'alice', password: Fixtures.PASSWORD }).expect(200);
    expect(login.body).toEqual({
      accessToken: expect.any(String),
      expiresIn: 3600,
      user: { id: expect.any(String), username: 'alice', email: 'alice@example.com', isSuperadmin: false },
    });

    const me = await http().get('/api/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body.username).toBe('alice');
    expect(me.body.organizations).toEqual([{ organizationId: rio.id, code: 'RIO', name: 'RIO project', permissions: ['perm_Read', 'perm_Edit'] }]);
  });

  it('refuses a wrong password, an unknown user and an inactive user alike, with 401', async () => {
    await fixtures.user('alice');
    await fixtures.user('gone', [], { active: false });
    for (const body of [
      { username: 'alice', password: 'wrong password' },
      { username: 'nobody', password: Fixtures.PASSWORD },
      { username: 'gone', password: Fixtures.PASSWORD },
    ]) {
      const response = await http().post('/api/auth/login').send(body).expect(401);
      expect(response.body.message).toBe('Unknown username or wrong password');
      expect(response.body.accessToken).toBeUndefined();
    }
  });

  it('answers 400 naming the fields for a malformed login', async () => {
    const response = await http().post('/api/auth/login').send({ username: 42, extra: true }).expect(400);
    const fields = response.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['username', 'password', 'extra']));
  });

  it('answers 401 without a token, with a bad token, and with the token of a deactivated user', async () => {
    const { user, token } = await fixtures.user('alice');
    await http().get('/api/auth/me').expect(401);
    await http().get('/api/auth/me').set('Authorization', 'Bearer not-a-jwt').expect(401);
    await http()
      .get('/api/auth/me')
      .set('Authorization', `Basic ${Buffer.from('alice:x').toString('base64')}`)
      .expect(401);
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await http().get('/api/auth/me').set('Authorization', `Bearer ${forged}`).expect(401);

    await testApp.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
    await http().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  });
});
