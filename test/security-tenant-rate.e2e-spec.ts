import request from 'supertest';
import { Organization } from '../src/organizations/entities/organization.entity';
import { PemsConnectionFactory } from '../src/pems/pems-connection.factory';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

describe("security: a PEMS tenant's rate limit is one value, a superadmin's (e2e)", () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let victim: Organization;
  let attacker: Organization;
  let attackerAdmin: TestUser;
  let root: TestUser;
  const server = {
    name: 'Shared PEMS',
    baseUrl: 'https://pems.example.com/axis/restservices',
    tenant: 'SHARED_TENANT',
    authType: 'basic',
    username: 'svc',
    password: 'a-pems-service-password',
    writeEnabled: true,
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    victim = await fixtures.organization('VICTIM');
    attacker = await fixtures.organization('ATTACKER');
    attackerAdmin = await fixtures.user('attacker-admin', [[attacker, ['perm_Admin']]]);
    root = await fixtures.user('root', [], { superadmin: true });
    const victimAdmin = await fixtures.user('victim-admin', [[victim, ['perm_Admin']]]);
    await put(victim, server, victimAdmin).expect(200);
  });
  afterAll(() => testApp.close());

  const put = (organization: Organization, body: object, who: TestUser) =>
    request(testApp.app.getHttpServer()).put(`/api/admin/organizations/${organization.id}/api-server`).set('Authorization', `Bearer ${who.token}`).send(body);
  const victimRate = async () => (await testApp.app.get(PemsConnectionFactory).forOrganization(victim.id)).connection.rateLimitPerSecond;

  it("an organization admin cannot lower the tenant's rate for the other organizations on it", async () => {
    const refused = await put(attacker, { ...server, rateLimitPerSecond: 1 }, attackerAdmin).expect(403);
    expect(refused.body.code).toBe('TENANT_RATE_FOR_SUPERADMIN');
    expect(await victimRate()).toBe(10);
    // Pointing the server at the tenant without a rate is allowed, and changes nothing for the victim.
    const joined = await put(attacker, server, attackerAdmin).expect(200);
    expect(joined.body.rateLimitPerSecond).toBe(10);
    await put(attacker, { ...server, rateLimitPerSecond: 10 }, attackerAdmin).expect(200);
    expect(await victimRate()).toBe(10);
  });

  it('a superadmin sets one rate for the tenant, which every organization on it gets', async () => {
    await put(attacker, { ...server, rateLimitPerSecond: 20 }, root).expect(200);
    expect(await victimRate()).toBe(20);
    const shown = await request(testApp.app.getHttpServer()).get(`/api/admin/organizations/${victim.id}/api-server`).set('Authorization', `Bearer ${root.token}`).expect(200);
    expect(shown.body.rateLimitPerSecond).toBe(20);
  });
});
