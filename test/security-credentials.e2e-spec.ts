import { createCipheriv, randomBytes } from 'node:crypto';
import request from 'supertest';
import { CredentialsUpgrade } from '../src/organizations/credentials-upgrade.service';
import { CredentialsCipher } from '../src/organizations/credentials-cipher.service';
import { Organization } from '../src/organizations/entities/organization.entity';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { SIM_CREDENTIALS, connectToSimulator, startSimulator } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';
import { ThreadedPemsSimulator } from './support/threaded-simulator';

/** Credentials as the v1 format stored them (no associated data). */
function legacyCiphertext(credentials: object): string {
  const iv = randomBytes(12);
  const aes = createCipheriv('aes-256-gcm', Buffer.from(process.env.CREDENTIALS_KEY!, 'base64'), iv);
  const ciphertext = Buffer.concat([aes.update(JSON.stringify(credentials), 'utf8'), aes.final()]);
  return ['v1', iv.toString('base64'), aes.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

describe('security: PEMS credentials at rest (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let simulator: ThreadedPemsSimulator;
  let baseUrl: string;
  let rio: Organization;
  let hou: Organization;
  let houAdmin: TestUser;
  let houSyncer: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
    ({ simulator, baseUrl } = await startSimulator());
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    simulator.reset();
    simulator.clearLog();
    rio = await fixtures.organization('RIO');
    hou = await fixtures.organization('HOU');
    simulator.seed('HOU', 3);
    houAdmin = await fixtures.user('hou-admin', [[hou, ['perm_Admin']]]);
    houSyncer = await fixtures.user('hou-syncer', [[hou, ['perm_Read', 'perm_Sync']]]);
    await connectToSimulator(testApp, rio, baseUrl);
    await connectToSimulator(testApp, hou, baseUrl, { username: 'hou-user', password: 'a-password-for-houston' });
  });
  afterAll(async () => {
    await simulator.stop();
    await testApp.close();
  });

  const http = () => request(testApp.app.getHttpServer());
  const row = async (organizationId: string) =>
    (await testApp.dataSource.query('SELECT id, credentials_encrypted FROM api_servers WHERE organization_id = $1', [organizationId]))[0] as {
      id: string;
      credentials_encrypted: string;
    };

  it("does not use another server's ciphertext copied into a row: the server counts as without credentials, and PEMS gets nothing", async () => {
    const rioRow = await row(rio.id);
    await testApp.dataSource.query('UPDATE api_servers SET credentials_encrypted = $1 WHERE organization_id = $2', [rioRow.credentials_encrypted, hou.id]);

    const shown = await http().get(`/api/admin/organizations/${hou.id}/api-server`).set('Authorization', `Bearer ${houAdmin.token}`).expect(200);
    expect(shown.body).toMatchObject({ hasCredentials: false, username: null });
    const sync = await http().post('/api/pems/read-sync').set('Authorization', `Bearer ${houSyncer.token}`).send({ organizationId: hou.id }).expect(502);
    expect(sync.body.message).toMatch(/credentials/);
    expect(simulator.getLog()).toEqual([]);
  });

  it('upgrades credentials stored in the v1 format to v2 at start, bound to their server, and they keep working', async () => {
    const houRow = await row(hou.id);
    await testApp.dataSource.query('UPDATE api_servers SET credentials_encrypted = $1 WHERE id = $2', [legacyCiphertext(SIM_CREDENTIALS), houRow.id]);

    expect(await testApp.app.get(CredentialsUpgrade).upgrade()).toBe(1);
    const upgraded = await row(hou.id);
    expect(upgraded.credentials_encrypted).toMatch(new RegExp(`^v2:${houRow.id}:`));
    expect(testApp.app.get(CredentialsCipher).decrypt(upgraded.credentials_encrypted, houRow.id)).toEqual(SIM_CREDENTIALS);
    expect(await testApp.app.get(CredentialsUpgrade).upgrade()).toBe(0);

    await http().post('/api/pems/read-sync').set('Authorization', `Bearer ${houSyncer.token}`).send({ organizationId: hou.id }).expect(200);
  });
});
