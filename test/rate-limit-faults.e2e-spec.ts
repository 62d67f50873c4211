import { LoggerService } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ForeignLoad, checkUnlessMachineBusy } from './support/machine-load';
import { expectWithinRateLimit } from './support/pems-simulator-fixture';
import { join } from 'node:path';
import { startAppProcess } from './support/app-process';
import { TestApp } from './support/test-app';
import { waitForModifications } from './support/write-sync-helpers';
import { FAST_WRITE_SYNC_ENV, WriteSyncHarness, pfaIds, seedFaultingOnlyFirst, waitUntil } from './support/write-sync-harness';

/**
 * The rate limit against what can go wrong around it: a Retry-After far too large, and a
 * clock that steps. PEMS must never see more than its limit in a second, nothing may be sent
 * early, and the worker must neither spin nor stall.
 */
describe('rate limit under faults (e2e)', () => {
  const RETRY_AFTER_CAP_MS = 3000;
  let h: WriteSyncHarness;
  let second: TestApp | undefined;
  const runStarts: number[] = [];
  const logger: LoggerService = {
    log: (message: unknown) => {
      if (String(message).startsWith('Starting PEMS write sync job')) runStarts.push(Date.now());
    },
    warn: () => undefined,
    error: () => undefined,
  };

  beforeAll(async () => {
    h = await WriteSyncHarness.start({ PEMS_RETRY_AFTER_MAX_MS: String(RETRY_AFTER_CAP_MS) }, logger);
  });
  beforeEach(async () => {
    await h.reset(45);
    runStarts.length = 0;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    if (second) {
      await h.quiesce([h.testApp, second]);
      await second.close();
      second = undefined;
    }
  });
  afterAll(async () => {
    await h.stop();
  });

  async function editAll(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (const pfaId of pfaIds(count)) ids.push(await h.edit(pfaId, { model: `${pfaId} edited` }));
    return ids;
  }

  it('3. a 429 with "Retry-After: 3000000" pauses the tenant for the configured cap, not 34 days: nothing sent meanwhile, never above the limit, and the idle worker does not spin', async () => {
    h.simulator.setFaults({ statusShares: { 429: 0.1 }, retryAfterSeconds: 3_000_000, seed: seedFaultingOnlyFirst(0.1, 40) });
    const ids = await editAll(15);
    await h.queueOk();
    await waitUntil('the 429', () => h.simulator.getLog().some((entry) => entry.status === 429), 5000);
    const refusedAt = h.simulator.getLog().find((entry) => entry.status === 429)!.at;

    // While the tenant is paused, the worker is idle: it may look a few times, not hundreds.
    await sleep(1500);
    const runsWhilePaused = runStarts.filter((at) => at > refusedAt + 300).length;
    expect(runsWhilePaused).toBeLessThan(10);

    const modifications = await waitForModifications(h.dataSource, ids, undefined, 20_000);
    expect(modifications.every((modification) => modification.status === 'synced')).toBe(true);
    const log = h.simulator.getLog();
    const sentDuringPause = log.filter((entry) => entry.at > refusedAt && entry.at < refusedAt + RETRY_AFTER_CAP_MS);
    expect(sentDuringPause).toEqual([]);
    expect(log.filter((entry) => entry.status === 429)).toHaveLength(1);
    expectWithinRateLimit(log, 10, 'the drain around the 429');
  });

  it("7. one instance's clock steps forward mid-drain: it sends nothing early, and PEMS never sees more than the limit", async () => {
    // The second instance is a process of its own, so that only its clock steps.
    const stepped = await startAppProcess({
      ...FAST_WRITE_SYNC_ENV,
      DATABASE_URL: process.env.DATABASE_URL!,
      NODE_ENV: 'test',
      JWT_SECRET: process.env.JWT_SECRET!,
      CREDENTIALS_KEY: process.env.CREDENTIALS_KEY!,
      LOG_FILE: 'logs/test-clock-step.log',
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: `--require ${join(__dirname, 'support', 'clock-step.preload.js')}`,
      TEST_CLOCK_STEP_MS: '600',
    });
    try {
      const ids = await editAll(45);
      await h.queueOk();
      await waitUntil('5 writes at PEMS', () => h.updates().length >= 5, 10_000);
      const [{ now: steppedAt }] = await h.dataSource.query('SELECT now()');
      stepped.child.kill('SIGWINCH');
      // The stepped instance keeps claiming after the step (its worker id names its pid).
      const claimers = new Set<string>();
      const watching = (async () => {
        while ((await h.dataSource.query(`SELECT count(*)::int AS left FROM pfa_write_queue WHERE status IN ('pending', 'processing')`))[0].left > 0) {
          const rows = await h.dataSource.query(`SELECT DISTINCT locked_by FROM pfa_write_queue WHERE status = 'processing' AND last_attempt_at > $1`, [steppedAt]);
          for (const row of rows) claimers.add(row.locked_by);
          await sleep(20);
        }
      })();

      const modifications = await waitForModifications(h.dataSource, ids, undefined, 20_000);
      await watching;
      expect([...claimers].some((workerId) => workerId.includes(`:${stepped.child.pid}:`))).toBe(true);
      expect(modifications.every((modification) => modification.status === 'synced')).toBe(true);
      const log = h.simulator.getLog();
      expect(new Set(log.map((entry) => entry.seq)).size).toBe(log.length);
      expect(log.filter((entry) => entry.status === 429)).toEqual([]);
      expectWithinRateLimit(log, 10, 'two instances, one clock stepped');
    } finally {
      await h.quiesce();
      await stepped.kill('SIGTERM');
    }
  }, 60_000);

  it('the wake-up for a retry counts on the database clock: with the local clock 3 s behind, the retry is still on time', async () => {
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 3000);
    h.simulator.setFaults({ statusShares: { 503: 0.1 }, seed: seedFaultingOnlyFirst(0.1) });
    const id = await h.edit('PFA-10001', { model: 'retried on time' });
    const machine = ForeignLoad.measure();
    await h.queueOk();

    const [modification] = await waitForModifications(h.dataSource, [id], undefined, 15_000);
    expect(modification.status).toBe('synced');
    const attempts = h.updates('PFA-10001');
    expect(attempts.map((entry) => entry.status)).toEqual([503, 200]);
    const wait = attempts[1].at - attempts[0].at;
    expect(wait).toBeGreaterThanOrEqual(1000);
    checkUnlessMachineBusy(machine, 'how late the retry was', () => expect(wait).toBeLessThanOrEqual(2000));
  });
});
