import request from 'supertest';
import { CaseInsensitiveUsers1764000000009 } from '../migrations/1764000000009-CaseInsensitiveUsers';
import { Organization } from '../src/organizations/entities/organization.entity';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

describe('security: usernames, e-mail addresses and passwords (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let rio: Organization;
  let rioAdmin: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    rio = await fixtures.organization('RIO');
    rioAdmin = await fixtures.user('rio-admin', [[rio, ['perm_Admin']]]);
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const createUser = (body: Record<string, unknown>) =>
    http()
      .post('/api/admin/users')
      .set('Authorization', `Bearer ${rioAdmin.token}`)
      .send({ email: `${String(body.username).toLowerCase()}@example.com`, password: 'a long enough passphrase', permissions: ['perm_Read'], organizationId: rio.id, ...body });
  const userCount = async () => (await testApp.dataSource.query('SELECT count(*)::int AS count FROM users'))[0].count as number;

  it('refuses a username that differs from a taken one only in case, and an e-mail address likewise', async () => {
    await createUser({ username: 'bedit' }).expect(201);
    const before = await userCount();
    const sameName = await createUser({ username: 'BEDIT', email: 'other@example.com' }).expect(409);
    expect(sameName.body.code).toBe('USER_EXISTS');
    await createUser({ username: 'someone-else', email: 'BEDIT@Example.com' }).expect(409);
    expect(await userCount()).toBe(before);
  });

  it('logs in whatever the case of the username', async () => {
    await createUser({ username: 'Planner' }).expect(201);
    const login = await http().post('/api/auth/login').send({ username: 'pLANNER', password: 'a long enough passphrase' }).expect(200);
    expect(login.body.user.username).toBe('Planner');
  });

  it('refuses passwords shorter than 12 characters and the most common ones, naming the field, and creates nothing', async () => {
    const before = await userCount();
    for (const password of ['elevenchars', 'password1234', 'QWERTYUIOP123', '123456789012']) {
      const refused = await createUser({ username: 'newbie', password }).expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    }
    expect(await userCount()).toBe(before);
    await createUser({ username: 'newbie', password: 'twelve chars' }).expect(201);
  });

  describe('who an organization admin may add (PUT …/members/{userId})', () => {
    const putMember = (userId: string, who = rioAdmin) =>
      http()
        .put(`/api/admin/organizations/${rio.id}/members/${userId}`)
        .set('Authorization', `Bearer ${who.token}`)
        .send({ permissions: ['perm_Read'] });

    it('answers 404 for a user of an organization the admin does not administer, and for a superadmin, showing nothing of them', async () => {
      const hou = await fixtures.organization('HOU');
      const stranger = await fixtures.user('stranger', [[hou, ['perm_Read']]]);
      const root = await fixtures.user('root', [], { superadmin: true });
      for (const target of [stranger, root]) {
        const refused = await putMember(target.user.id).expect(404);
        expect(JSON.stringify(refused.body)).not.toContain(target.user.email);
        expect(JSON.stringify(refused.body)).not.toContain(target.user.username);
      }
      expect(await testApp.dataSource.query('SELECT count(*)::int AS count FROM user_organizations WHERE organization_id = $1', [rio.id])).toEqual([{ count: 1 }]);
    });

    it('reaches a user of another organization the admin administers too; a superadmin reaches anyone', async () => {
      const hou = await fixtures.organization('HOU');
      const colleague = await fixtures.user('colleague', [[hou, ['perm_Read']]]);
      await fixtures.grant(rioAdmin.user, hou, ['perm_Admin']);
      await putMember(colleague.user.id).expect(200);
      const stranger = await fixtures.user('stranger', [[await fixtures.organization('SFO'), ['perm_Read']]]);
      const root = await fixtures.user('root', [], { superadmin: true });
      await putMember(stranger.user.id, root).expect(200);
    });

    it('a taken username or e-mail address is refused without saying which, nor naming it', async () => {
      await fixtures.user('hidden-user', [[await fixtures.organization('HOU'), ['perm_Read']]]);
      const byName = await createUser({ username: 'hidden-user', email: 'new@example.com' }).expect(409);
      const byMail = await createUser({ username: 'new-user', email: 'hidden-user@example.com' }).expect(409);
      expect(byName.body.message).toBe(byMail.body.message);
      expect(byName.body.message).not.toContain('hidden-user');
    });
  });

  it('the migration refuses to run over users that collide, naming them', async () => {
    const runner = testApp.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query('DROP INDEX ux_users_username_lower');
      await runner.query('DROP INDEX ux_users_email_lower');
      await runner.query(`INSERT INTO users (username, email, password_hash) VALUES ('bedit', 'a@example.com', 'x'), ('BEDIT', 'b@example.com', 'x')`);
      await expect(new CaseInsensitiveUsers1764000000009().up(runner)).rejects.toThrow(/usernames unique regardless of case.*(BEDIT \/ bedit|bedit \/ BEDIT)/);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
