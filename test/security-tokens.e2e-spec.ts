import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { UsersService } from '../src/users/users.service';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

describe('security: access tokens (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let planner: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ JWT_EXPIRES_IN: '1h' });
    fixtures = new Fixtures(testApp);
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    planner = await fixtures.user('planner');
  });
  afterAll(() => testApp.close());

  const me = (token: string) => request(testApp.app.getHttpServer()).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a token it issued', async () => {
    await me(planner.token).expect(200);
  });

  it('refuses a correctly signed token without an expiry', async () => {
    const jwt = testApp.app.get(JwtService);
    const token = await jwt.signAsync({ sub: planner.user.id, username: 'planner', ver: 0 });
    const answer = await me(token).expect(401);
    expect(answer.body.message).toMatch(/no expiry/);
  });

  it('refuses a token older than JWT_EXPIRES_IN, whatever its expiry says', async () => {
    const jwt = testApp.app.get(JwtService);
    const token = await jwt.signAsync({ sub: planner.user.id, username: 'planner', ver: 0, iat: now() - 2 * 3600, exp: now() + 30 * 24 * 3600 });
    await me(token).expect(401);
  });

  it('refuses the tokens issued before a password change, and accepts a new login', async () => {
    const users = testApp.app.get(UsersService);
    await me(planner.token).expect(200);
    await users.upsert({ username: 'planner', email: 'planner@example.com', password: 'a-brand-new-password-2026' });
    const refused = await me(planner.token).expect(401);
    expect(refused.body.message).toMatch(/password changed/);

    const login = await request(testApp.app.getHttpServer()).post('/api/auth/login').send({ username: 'planner', password: 'a-brand-new-password-2026' }).expect(200);
    await me(login.body.accessToken).expect(200);
  });

  it('keeps tokens when the seed runs again with the same password', async () => {
    const users = testApp.app.get(UsersService);
    await users.upsert({ username: 'planner', email: 'planner@example.com', password: planner.password });
    await me(planner.token).expect(200);
  });
});
