import { ConsoleLogger } from '@nestjs/common';
import { Server, createServer } from 'node:http';
import { AddressInfo, createServer as createTcpServer } from 'node:net';
import request from 'supertest';
import { Organization } from '../src/organizations/entities/organization.entity';
import { cleanDatabase } from './support/clean-database';
import { snapshotDatabase } from './support/database-snapshot';
import { Fixtures, TestUser } from './support/fixtures';
import { SIM_CREDENTIALS, SIM_TENANT, startSimulator } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';
import { ThreadedPemsSimulator } from './support/threaded-simulator';

/** A host that is not PEMS: it notes every request's Authorization header and answers 404. */
async function startCapturingHost(): Promise<{ url: string; authorizations: Array<string | undefined>; server: Server }> {
  const authorizations: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    req.resume();
    res.statusCode = 404;
    res.end('<html>internal admin page: secret-token-123</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, authorizations, server };
}

/** The test log as usual, keeping the warnings for the tests to read. */
class WarningsKept extends ConsoleLogger {
  readonly warnings: string[] = [];
  constructor() {
    super({ logLevels: process.env.TEST_LOG ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn'] });
  }
  override warn(message: unknown, ...rest: unknown[]): void {
    this.warnings.push(String(message));
    super.warn(message, ...rest);
  }
}

describe('security: PEMS hosts, stored credentials and the API server audit (e2e)', () => {
  let simulator: ThreadedPemsSimulator;
  let simulatorUrl: string;

  beforeAll(async () => {
    ({ simulator, baseUrl: simulatorUrl } = await startSimulator());
  });
  afterAll(() => simulator.stop());

  describe('with loopback allowed (PEMS_ALLOWED_HOSTS=127.0.0.1)', () => {
    let testApp: TestApp;
    let fixtures: Fixtures;
    let rio: Organization;
    let rioAdmin: TestUser;
    let syncer: TestUser;
    let capture: Awaited<ReturnType<typeof startCapturingHost>>;
    const logger = new WarningsKept();

    beforeAll(async () => {
      testApp = await createTestApp({ PEMS_ALLOWED_HOSTS: '127.0.0.1' }, logger);
      fixtures = new Fixtures(testApp);
      capture = await startCapturingHost();
    });
    beforeEach(async () => {
      await cleanDatabase(testApp.dataSource);
      simulator.reset();
      simulator.clearLog();
      capture.authorizations.length = 0;
      logger.warnings.length = 0;
      rio = await fixtures.organization('RIO');
      simulator.seed('RIO', 5);
      rioAdmin = await fixtures.user('rio-admin', [[rio, ['perm_Admin']]]);
      syncer = await fixtures.user('syncer', [[rio, ['perm_Read', 'perm_Sync']]]);
    });
    afterAll(async () => {
      await testApp.close();
      capture.server.closeAllConnections();
      await new Promise((resolve) => capture.server.close(resolve));
    });

    const http = () => request(testApp.app.getHttpServer());
    const putServer = (body: object, who = rioAdmin) => http().put(`/api/admin/organizations/${rio.id}/api-server`).set('Authorization', `Bearer ${who.token}`).send(body);
    const readSync = () => http().post('/api/pems/read-sync').set('Authorization', `Bearer ${syncer.token}`).send({ organizationId: rio.id });
    // The simulator's address is known once the outer beforeAll has run.
    let server: { name: string; baseUrl: string; tenant: string; authType: string; username: string; password: string; writeEnabled: boolean };
    beforeEach(() => {
      server = { name: 'PEMS', baseUrl: simulatorUrl, tenant: SIM_TENANT, authType: 'basic', ...SIM_CREDENTIALS, writeEnabled: true };
    });

    it('drops the stored password when the base URL moves to another origin: the admin must give it again, and it never reaches the new host', async () => {
      await putServer(server).expect(200);
      await readSync().expect(200);

      // The admin points the server at a host of their own and leaves the password out.
      const moved = await putServer({ ...server, baseUrl: `${capture.url}/axis/restservices`, password: undefined }).expect(400);
      expect(moved.body.errors).toEqual([expect.objectContaining({ field: 'password', code: 'MISSING_REQUIRED_FIELD', message: expect.stringMatching(/give them again/) })]);
      const stored = await http().get(`/api/admin/organizations/${rio.id}/api-server`).set('Authorization', `Bearer ${rioAdmin.token}`).expect(200);
      expect(stored.body.baseUrl).toBe(simulatorUrl);

      await readSync().expect(200);
      expect(capture.authorizations).toEqual([]);
    });

    it('drops the stored password when the tenant changes; keeps it when only the path changes', async () => {
      await putServer(server).expect(200);
      await putServer({ ...server, tenant: 'OTHER_TENANT', password: undefined }).expect(400);
      await putServer({ ...server, baseUrl: `${simulatorUrl}/`, name: 'PEMS (renamed)', password: undefined }).expect(200);
      simulator.clearLog();
      await readSync().expect(200);
      expect(simulator.getLog().every((entry) => entry.status === 200 && entry.auth?.type === 'basic')).toBe(true);
    });

    it('answers a generic 502, the same for a refused port, another service and a web page; the detail goes to the log only', async () => {
      // A service that is not HTTP (a database port, say) closes the connection at once.
      const hangUp = createTcpServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
      const hangUpUrl = `http://127.0.0.1:${(hangUp.address() as AddressInfo).port}`;
      const answers: string[] = [];
      for (const baseUrl of ['http://127.0.0.1:9/axis', `${capture.url}/axis`, `${hangUpUrl}/axis`]) {
        await putServer({ ...server, baseUrl }).expect(200);
        const failed = await readSync().expect(502);
        expect(failed.body.code).toBe('PEMS_UNAVAILABLE');
        answers.push(failed.body.message);
      }
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).not.toMatch(/refused|hang up|404|secret-token|html/i);
      expect(logger.warnings.join('\n')).toMatch(/connection refused/);
      expect(logger.warnings.join('\n')).toMatch(/404/);
      expect(logger.warnings.join('\n')).toMatch(/hang up|reset/);
      hangUp.close();
    });

    it('keeps every change in the audit: who, when, what changed, and never a secret', async () => {
      await putServer(server).expect(200);
      await putServer({ ...server, writeEnabled: false, password: 'a-new-pems-password' }).expect(200);
      await putServer({ ...server, writeEnabled: false, password: 'a-new-pems-password' }).expect(200); // unchanged: not kept

      const audit = await http().get(`/api/admin/organizations/${rio.id}/api-server/changes`).set('Authorization', `Bearer ${rioAdmin.token}`).expect(200);
      expect(audit.body.total).toBe(2);
      const [second, first] = audit.body.items;
      expect(first).toMatchObject({ action: 'created', changedBy: 'rio-admin', changedAt: expect.any(String) });
      expect(first.changes).toMatchObject({ baseUrl: { from: null, to: server.baseUrl }, tenant: { from: null, to: SIM_TENANT }, credentials: { from: null, to: 'given' } });
      expect(second).toMatchObject({ action: 'updated', changedBy: 'rio-admin' });
      expect(second.changes).toEqual({ writeEnabled: { from: true, to: false }, credentials: { from: 'stored', to: 'given' } });

      const everything = JSON.stringify(await testApp.dataSource.query('SELECT * FROM api_server_changes')) + JSON.stringify(audit.body);
      expect(everything).not.toContain(SIM_CREDENTIALS.password);
      expect(everything).not.toContain('a-new-pems-password');

      await http().get(`/api/admin/organizations/${rio.id}/api-server/changes`).set('Authorization', `Bearer ${syncer.token}`).expect(403);
    });
  });

  describe('with only named hosts allowed (PEMS_ALLOWED_HOSTS=pems.example.com,localhost)', () => {
    let testApp: TestApp;
    let fixtures: Fixtures;
    let rio: Organization;
    let rioAdmin: TestUser;
    let syncer: TestUser;

    beforeAll(async () => {
      testApp = await createTestApp({ PEMS_ALLOWED_HOSTS: 'pems.example.com,localhost' });
      fixtures = new Fixtures(testApp);
    });
    beforeEach(async () => {
      await cleanDatabase(testApp.dataSource);
      simulator.reset();
      simulator.clearLog();
      rio = await fixtures.organization('RIO');
      simulator.seed('RIO', 5);
      rioAdmin = await fixtures.user('rio-admin', [[rio, ['perm_Admin']]]);
      syncer = await fixtures.user('syncer', [[rio, ['perm_Read', 'perm_Sync']]]);
    });
    afterAll(() => testApp.close());

    const http = () => request(testApp.app.getHttpServer());
    const putServer = (body: object) => http().put(`/api/admin/organizations/${rio.id}/api-server`).set('Authorization', `Bearer ${rioAdmin.token}`).send(body);
    const server = { name: 'PEMS', tenant: SIM_TENANT, authType: 'basic', ...SIM_CREDENTIALS };

    it.each([
      ['loopback', 'http://127.0.0.1:5432/'],
      ['IPv6 loopback', 'http://[::1]:3000/'],
      ['loopback written in hex', 'http://0x7f000001/'],
      ['the link-local metadata service', 'http://169.254.169.254/latest/meta-data'],
      ['a private network', 'http://10.0.0.5/axis'],
      ['a host not on the list', 'https://attacker.example.org/axis'],
      ['credentials in the URL', 'https://user:pw@pems.example.com/axis'],
    ])('refuses %s with a 400 naming baseUrl, and changes nothing', async (_, baseUrl) => {
      const before = await snapshotDatabase(testApp.dataSource);
      const refused = await putServer({ ...server, baseUrl }).expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'baseUrl', code: 'HOST_NOT_ALLOWED' })]);
      expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
    });

    it('accepts a host on the list', async () => {
      await putServer({ ...server, baseUrl: 'https://pems.example.com/axis/restservices' }).expect(200);
    });

    it('checks at connect time what a name resolves to: a listed name that leads to loopback is not called', async () => {
      await putServer({ ...server, baseUrl: simulatorUrl.replace('127.0.0.1', 'localhost') }).expect(200);
      await http().post('/api/pems/read-sync').set('Authorization', `Bearer ${syncer.token}`).send({ organizationId: rio.id }).expect(502);
      expect(simulator.getLog()).toEqual([]);
    });

    it('checks again at every send: a server stored before the list changed is not called', async () => {
      await putServer({ ...server, baseUrl: 'https://pems.example.com/axis/restservices' }).expect(200);
      await testApp.dataSource.query('UPDATE api_servers SET base_url = $1 WHERE organization_id = $2', [simulatorUrl, rio.id]);
      await http().post('/api/pems/read-sync').set('Authorization', `Bearer ${syncer.token}`).send({ organizationId: rio.id }).expect(502);
      expect(simulator.getLog()).toEqual([]);
    });
  });
});
