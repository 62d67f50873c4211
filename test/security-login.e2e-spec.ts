import request from 'supertest';
import { cleanDatabase } from './support/clean-database';
import { Fixtures } from './support/fixtures';
import { ForeignLoad, checkUnlessMachineBusy } from './support/machine-load';
import { TestApp, createTestApp } from './support/test-app';

describe('security: login throttling (e2e)', () => {
  // Three failures in a minute; X-Forwarded-For names the client (one proxy in front), so that
  // the test can speak as several clients.
  const env = { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_MS: '60000', TRUST_PROXY: '1' };
  let testApp: TestApp;
  let otherInstance: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    testApp = await createTestApp(env);
    otherInstance = await createTestApp({ ...env, ENABLE_PEMS_WRITE_SYNC: 'false' });
    fixtures = new Fixtures(testApp);
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    await fixtures.user('planner');
    await fixtures.user('other');
  });
  afterAll(async () => {
    await Promise.all([testApp.close(), otherInstance.close()]);
  });

  const login = (username: string, password: string, from: string, app = testApp) =>
    request(app.app.getHttpServer()).post('/api/auth/login').set('X-Forwarded-For', from).send({ username, password });

  it('refuses a username after 3 failures, from any address, with Retry-After, before checking the password; on every instance', async () => {
    for (const from of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) await login('planner', 'wrong password here', from).expect(401);
    const refused = await login('planner', Fixtures.PASSWORD, '10.0.0.4').expect(429);
    expect(refused.body.code).toBe('TOO_MANY_LOGIN_FAILURES');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    await login('PLANNER', Fixtures.PASSWORD, '10.0.0.5', otherInstance).expect(429);
    await login('other', Fixtures.PASSWORD, '10.0.0.6').expect(200);
  });

  it('refuses an address after 3 failures, whatever the username; other addresses go on', async () => {
    for (const username of ['planner', 'other', 'nobody']) await login(username, 'wrong password here', '10.0.0.9').expect(401);
    await login('other', Fixtures.PASSWORD, '10.0.0.9').expect(429);
    await login('other', Fixtures.PASSWORD, '10.0.0.10').expect(200);
  });

  it("a success clears the username's count", async () => {
    await login('planner', 'wrong password here', '10.0.1.1').expect(401);
    await login('planner', 'wrong password here', '10.0.1.2').expect(401);
    await login('planner', Fixtures.PASSWORD, '10.0.1.3').expect(200);
    await login('planner', 'wrong password here', '10.0.1.4').expect(401);
    await login('planner', 'wrong password here', '10.0.1.5').expect(401);
    await login('planner', Fixtures.PASSWORD, '10.0.1.6').expect(200);
  });

  it('answers an unknown username exactly as a wrong password, in text and in time', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    const load = ForeignLoad.measure();
    const answers: Array<{ status: number; body: unknown }> = [];
    for (let round = 0; round < 6; round += 1) {
      for (const [username, times] of [
        ['planner', known],
        ['nobody-by-that-name', unknown],
      ] as const) {
        const started = performance.now();
        const answer = await login(username, 'wrong password here', `10.0.2.${round * 2 + times.length}`);
        times.push(performance.now() - started);
        answers.push({ status: answer.status, body: { ...answer.body, correlationId: undefined } });
        // Keep each key under the limit: the test is about the answer, not the throttle.
        await testApp.dataSource.query('DELETE FROM login_failures');
      }
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    checkUnlessMachineBusy(load, 'login timing, known and unknown usernames', () => {
      const ratio = median(known) / median(unknown);
      expect(ratio).toBeGreaterThan(0.6);
      expect(ratio).toBeLessThan(1.6);
    });
  });

  it('bounds the password checks running at once: a flood is answered 429 at once, never 5xx', async () => {
    const answers = await Promise.all(Array.from({ length: 24 }, (_, index) => login(`flood-${index}`, 'wrong password here', `10.1.0.${index}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    const busy = answers.filter((answer) => answer.status === 429);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((answer) => answer.body.code === 'PASSWORD_CHECKS_BUSY' && answer.headers['retry-after'] === '1')).toBe(true);
    await login('planner', Fixtures.PASSWORD, '10.1.1.1').expect(200);
  });
});
