import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { AppLogger } from '../src/logging/app-logger';
import { PemsSimulator } from '../src/pems-simulator/pems-simulator';
import { PfaRecord } from '../src/pfa/entities/pfa-record.entity';
import { cleanDatabase } from './support/clean-database';
import { Fixtures } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';
import { waitForModifications } from './support/write-sync-helpers';

const BASIC = { username: 'svc-rio-integration', password: 'P4ss-Very-Secret-#1' };
const API_KEY = 'KEY-lisbon-0f9e8d7c6b5a-very-secret';

/**
 * PEMS credentials and access tokens never appear in a response or a log line (SPEC §9),
 * through every path that handles them: admin endpoints, read and write sync, PEMS errors,
 * rejected credentials, failed logins. The log is written at debug level, the most verbose.
 */
describe('secrets in responses and logs (e2e)', () => {
  let testApp: TestApp;
  let logger: AppLogger;
  let logFile: string;
  let simulator: PemsSimulator;
  const responses: string[] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    logFile = join(mkdtempSync(join(tmpdir(), 'pems-sync-secrets-')), 'app.log');
    logger = new AppLogger('debug', logFile);
    testApp = await createTestApp({ PEMS_REQUEST_TIMEOUT_MS: '1000', PEMS_WRITE_SYNC_RETRY_DELAYS_MS: '100,100,100' }, logger);
    simulator = new PemsSimulator({ tenants: { RIO_TENANT: BASIC, LIS_TENANT: { apiKey: API_KEY } }, rateLimitPerSecond: 10 });
    await simulator.start(0, '127.0.0.1');
  });
  afterAll(async () => {
    await simulator.stop();
    await testApp.close();
  });

  /** Sends a request, keeps its whole answer (headers and body) for the search, and checks its status. */
  async function call(expected: number | null, method: 'get' | 'post' | 'put' | 'patch', path: string, token: string | null, body?: object) {
    let pending = request(testApp.app.getHttpServer())[method](path);
    if (token) pending = pending.set('Authorization', `Bearer ${token}`);
    const response = body ? await pending.send(body) : await pending;
    responses.push(`${method.toUpperCase()} ${path} ${response.status} ${JSON.stringify(response.headers)} ${response.text}`);
    if (expected !== null) expect({ path, status: response.status }).toEqual({ path, status: expected });
    return response;
  }

  it('never shows or logs a PEMS password, API key, Basic token or JWT', async () => {
    await cleanDatabase(testApp.dataSource);
    const fixtures = new Fixtures(testApp);
    const rio = await fixtures.organization('RIO');
    const lisbon = await fixtures.organization('LIS');
    await fixtures.user('admin', [], { superadmin: true });
    simulator.seed('RIO', 10);
    simulator.seed('LIS', 10);

    const login = await request(testApp.app.getHttpServer()).post('/api/auth/login').send({ username: 'admin', password: Fixtures.PASSWORD }).expect(200);
    const token: string = login.body.accessToken;
    tokens.push(token);
    await call(401, 'post', '/api/auth/login', null, { username: 'admin', password: 'a wrong password that must not be logged' });

    const server = (tenant: string, credentials: object) => ({ name: 'PEMS', baseUrl: simulator.baseUrl, tenant, writeEnabled: true, rateLimitPerSecond: 10, ...credentials });
    await call(200, 'put', `/api/admin/organizations/${rio.id}/api-server`, token, server('RIO_TENANT', { authType: 'basic', ...BASIC }));
    await call(200, 'put', `/api/admin/organizations/${lisbon.id}/api-server`, token, server('LIS_TENANT', { authType: 'api_key', apiKey: API_KEY }));
    await call(200, 'get', `/api/admin/organizations/${rio.id}/api-server`, token);
    await call(200, 'get', `/api/admin/organizations/${lisbon.id}/api-server`, token);
    await call(200, 'get', '/api/auth/me', token);

    for (const organization of [rio, lisbon]) {
      await call(200, 'post', '/api/pems/read-sync', token, { organizationId: organization.id });
      const record = await testApp.dataSource.getRepository(PfaRecord).findOneByOrFail({ organizationId: organization.id, pfaId: 'PFA-10001' });
      const edit = await call(201, 'patch', `/api/pfa/${record.id}`, token, { changes: { model: `Secret test ${organization.code}` } });
      await call(200, 'post', '/api/pems/write-sync', token, { organizationId: organization.id });
      await waitForModifications(testApp.dataSource, [edit.body.id]);
    }

    // PEMS refusing the credentials, and failing: both end up in error messages and logs.
    simulator.setFaults({ unauthorizedForMs: 60_000 });
    const rioRecord = await testApp.dataSource.getRepository(PfaRecord).findOneByOrFail({ organizationId: rio.id, pfaId: 'PFA-10002' });
    const refused = await call(201, 'patch', `/api/pfa/${rioRecord.id}`, token, { changes: { model: 'Refused' } });
    await call(200, 'post', '/api/pems/write-sync', token, { organizationId: rio.id });
    const [failed] = await waitForModifications(testApp.dataSource, [refused.body.id]);
    expect(failed.syncError).toContain('CREDENTIALS_REJECTED');
    simulator.setFaults({ statusShares: { 500: 1 } });
    await call(502, 'post', '/api/pems/read-sync', token, { organizationId: lisbon.id });
    simulator.clearFaults();

    await call(200, 'get', `/api/pems/sync-status?organizationId=${rio.id}&status=failed`, token);
    await call(200, 'get', `/api/pems/write-queue?organizationId=${rio.id}`, token);
    await call(200, 'get', `/api/pfa/${rioRecord.id}`, token);
    await call(200, 'get', '/metrics', null);
    await call(200, 'get', '/health', null);
    await call(200, 'get', '/api/docs-json', null);

    await sleep(200);
    await logger.close();
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('PEMS');
    const secrets = [BASIC.password, API_KEY, Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64'), 'a wrong password that must not be logged', ...tokens];
    for (const secret of secrets) {
      expect({ secret, inLog: log.includes(secret) }).toEqual({ secret, inLog: false });
      const leaks = responses.filter((text) => text.includes(secret));
      expect({ secret, leaks }).toEqual({ secret, leaks: [] });
    }
    // The stored credentials are encrypted, not in clear text.
    const stored = JSON.stringify(await testApp.dataSource.query('SELECT * FROM api_servers'));
    expect(stored.includes(BASIC.password) || stored.includes(API_KEY)).toBe(false);
  }, 60_000);
});
