import request from 'supertest';
import { Organization } from '../src/organizations/entities/organization.entity';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

describe('security: per-user limits on write sync and read sync requests (e2e)', () => {
  const env = { SYNC_REQUESTS_PER_MINUTE: '3' };
  let testApp: TestApp;
  let otherInstance: TestApp;
  let fixtures: Fixtures;
  let rio: Organization;
  let syncer: TestUser;
  let colleague: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp(env);
    otherInstance = await createTestApp({ ...env, ENABLE_PEMS_WRITE_SYNC: 'false' });
    fixtures = new Fixtures(testApp);
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    rio = await fixtures.organization('RIO');
    syncer = await fixtures.user('syncer', [[rio, ['perm_Read', 'perm_Sync']]]);
    colleague = await fixtures.user('colleague', [[rio, ['perm_Read', 'perm_Sync']]]);
  });
  afterAll(async () => {
    await Promise.all([testApp.close(), otherInstance.close()]);
  });

  // With no API server the answer is 409; what matters is whether the request was let through.
  const writeSync = (who: TestUser, app = testApp) =>
    request(app.app.getHttpServer()).post('/api/pems/write-sync').set('Authorization', `Bearer ${who.token}`).send({ organizationId: rio.id });
  const readSync = (who: TestUser) => request(testApp.app.getHttpServer()).post('/api/pems/read-sync').set('Authorization', `Bearer ${who.token}`).send({ organizationId: rio.id });

  it('lets a user send 3 a minute, refuses the 4th with 429 and Retry-After on every instance, and counts each user and endpoint apart', async () => {
    await writeSync(syncer).expect(409);
    await writeSync(syncer, otherInstance).expect(409);
    await writeSync(syncer).expect(409);
    const refused = await writeSync(syncer).expect(429);
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await writeSync(syncer, otherInstance).expect(429);

    await writeSync(colleague).expect(409);
    await readSync(syncer).expect(409);
  });
});
