import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ForeignLoad, checkUnlessMachineBusy } from './support/machine-load';
import { expectWithinRateLimit } from './support/pems-simulator-fixture';
import { waitForModifications } from './support/write-sync-helpers';
import { WriteSyncHarness } from './support/write-sync-harness';

interface LoadReport {
  requests: number;
  perSecond: number;
  statuses: Record<string, number>;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/**
 * A busy API must not stop the worker (SPEC §9): 24 clients in another process read the API
 * as fast as it answers while 300 queued edits drain at the rate limit. The drain degrades
 * gracefully (at least 90 % of the limit), never above it, and the API keeps answering.
 */
describe('write sync under a busy API (e2e)', () => {
  let h: WriteSyncHarness;
  let load: ChildProcess | undefined;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
    await h.testApp.app.listen(0, '127.0.0.1');
  });
  afterEach(() => {
    load?.kill('SIGKILL');
    load = undefined;
  });
  afterAll(async () => {
    await h.stop();
  });

  function startLoad(baseUrl: string, recordIds: string[]): { child: ChildProcess; report: Promise<LoadReport> } {
    const child = spawn(process.execPath, [join(__dirname, 'support', 'api-load-generator.js')], {
      env: { ...process.env, LOAD_BASE_URL: baseUrl, LOAD_TOKEN: h.planner.token, LOAD_ORGANIZATION_ID: h.rio.id, LOAD_RECORD_IDS: recordIds.join(','), LOAD_CLIENTS: '24' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    const report = new Promise<LoadReport>((resolve, reject) =>
      child.once('exit', () => (output ? resolve(JSON.parse(output) as LoadReport) : reject(new Error('The load generator said nothing')))),
    );
    // Killed after a failed test, it has nothing to say, and nobody is waiting to hear it.
    report.catch(() => undefined);
    return { child, report };
  }

  it('300 edits drain at >= 90 % of the rate limit and never above it while 24 clients read the API as fast as it answers', async () => {
    await h.reset(300);
    await h.dataSource.query(
      `INSERT INTO pfa_modification (organization_id, record_id, user_id, changes, base_values, base_version, status)
       SELECT organization_id, id, $2, jsonb_build_object('model', pfa_id || ' busy'), jsonb_build_object('model', data->'model'), version, 'pending'
       FROM pfa_records WHERE organization_id = $1`,
      [h.rio.id, h.planner.user.id],
    );
    const ids: string[] = (await h.dataSource.query('SELECT id FROM pfa_modification')).map((row: { id: string }) => row.id);
    const recordIds: string[] = (await h.dataSource.query('SELECT id FROM pfa_records')).map((row: { id: string }) => row.id);
    const address = h.testApp.app.getHttpServer().address() as { port: number };
    const machine = ForeignLoad.measure();
    const started = startLoad(`http://127.0.0.1:${address.port}`, recordIds);
    load = started.child;
    await sleep(2000);
    expect((await h.queueOk()).queuedCount).toBe(300);

    const modifications = await waitForModifications(h.dataSource, ids, undefined, 90_000);
    started.child.kill('SIGTERM');
    const api = await started.report;
    load = undefined;
    expect(modifications.filter((modification) => modification.status !== 'synced')).toEqual([]);
    const updates = h.updates();
    // Each edit reached PEMS; one sent more than once must have been retried (a timeout under the load), never sent twice for nothing.
    expect(new Set(updates.map((entry) => entry.pfaId)).size).toBe(300);
    const sends = new Map<string, number>();
    for (const entry of updates) sends.set(entry.pfaId!, (sends.get(entry.pfaId!) ?? 0) + 1);
    const repeated = [...sends].filter(([, count]) => count > 1);
    const attempts: Array<{ pfa_id: string; attempts: number; last_error: string | null }> = await h.dataSource.query(
      `SELECT pfa_id, 1 + retry_count + resend_count AS attempts, last_error FROM pfa_write_queue WHERE pfa_id = ANY($1)`,
      [repeated.map(([pfaId]) => pfaId)],
    );
    for (const [pfaId, count] of repeated) expect({ pfaId, attempts: attempts.find((row) => row.pfa_id === pfaId)?.attempts }).toEqual({ pfaId, attempts: count });
    const rate = (updates.length - 1) / ((updates[updates.length - 1].at - updates[0].at) / 1000);
    process.stdout.write(
      `\nBusy API: drain at ${rate.toFixed(2)}/s (${((rate / 10) * 100).toFixed(1)} % of the limit); API ${api.perSecond} requests/s, p50 ${api.p50Ms} ms, p95 ${api.p95Ms} ms, p99 ${api.p99Ms} ms, statuses ${JSON.stringify(api.statuses)}\n`,
    );
    checkUnlessMachineBusy(machine, 'the drain rate under API load', () => expect(rate).toBeGreaterThanOrEqual(9));
    expectWithinRateLimit(h.simulator.getLog(), 10, 'the drain under API load');
    expect(api.requests).toBeGreaterThan(0);
    expect(Object.keys(api.statuses)).toEqual(['200']);
  }, 150_000);
});
