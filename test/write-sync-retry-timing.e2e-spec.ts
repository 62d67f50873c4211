import { waitForModifications } from './support/write-sync-helpers';
import { WriteSyncHarness, pfaIds, seedFaultingOnlyFirst, waitUntil } from './support/write-sync-harness';

/**
 * SPEC §7's retry schedule, read off the simulator's log: with delays 1 s, 2 s, 3 s each
 * retry comes the delay after the END of the failed attempt, never early and at most about a
 * second late; after the third retry the item is failed. Retry-After longer than the delay wins.
 */
describe('write sync: retry timing (e2e)', () => {
  const DELAYS = [1000, 2000, 3000];
  /** PEMS takes this long to answer each attempt, so "from the end" and "from the start" differ. */
  const LATENCY_MS = 400;
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start({ PEMS_WRITE_SYNC_RETRY_DELAYS_MS: DELAYS.join(',') });
  });
  beforeEach(async () => {
    await h.reset(60);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('503 every time: retries spaced by the delay after the end of the previous attempt (never early, at most ~1 s late), then failed', async () => {
    h.simulator.setFaults({ statusShares: { 503: 1 }, latencyMs: LATENCY_MS });
    const id = await h.edit('PFA-10001', { model: 'unlucky' });
    await h.queueOk();

    const [modification] = await waitForModifications(h.dataSource, [id], ['failed', 'synced', 'conflict'], 20_000);
    expect(modification.status).toBe('failed');
    expect(modification.syncError).toMatch(/503/);
    expect(modification.syncError).toMatch(/3 retries/);

    const attempts = h.updates('PFA-10001');
    expect(attempts.map((entry) => entry.status)).toEqual([503, 503, 503, 503]);
    const waits = attempts.slice(1).map((entry, index) => entry.at - (attempts[index].at + LATENCY_MS));
    waits.forEach((wait, index) => {
      expect(wait).toBeGreaterThanOrEqual(DELAYS[index]);
      expect(wait).toBeLessThanOrEqual(DELAYS[index] + 1000);
    });
    const item = await h.itemOf(id);
    expect(item).toMatchObject({ status: 'failed', retryCount: 3, lastStatusCode: 503 });
    expect(item.lastError).toBe(modification.syncError);
  });

  it('fails twice, then PEMS recovers: the second retry waits the second delay and the write lands', async () => {
    h.simulator.setFaults({ statusShares: { 503: 1 } });
    const id = await h.edit('PFA-10002', { model: 'third time lucky' });
    await h.queueOk();
    await waitUntil('two failed attempts', () => h.updates('PFA-10002').length >= 2, 10_000);
    h.simulator.clearFaults();

    const [modification] = await waitForModifications(h.dataSource, [id], undefined, 10_000);
    expect(modification.status).toBe('synced');
    const attempts = h.updates('PFA-10002');
    expect(attempts.map((entry) => entry.status)).toEqual([503, 503, 200]);
    const secondWait = attempts[2].at - attempts[1].at;
    expect(secondWait).toBeGreaterThanOrEqual(DELAYS[1]);
    expect(secondWait).toBeLessThanOrEqual(DELAYS[1] + 1000);
    expect(await h.itemOf(id)).toMatchObject({ status: 'completed', retryCount: 2 });
    expect(h.simulator.getRecord('RIO', 'PFA-10002')!.data.model).toBe('third time lucky');
  });

  it('Retry-After longer than the delay is honoured (seconds)', async () => {
    h.simulator.setFaults({ statusShares: { 429: 0.1 }, retryAfterSeconds: 3, latencyMs: 100, seed: seedFaultingOnlyFirst(0.1) });
    const id = await h.edit('PFA-10003', { model: 'patient' });
    await h.queueOk();

    const [modification] = await waitForModifications(h.dataSource, [id], undefined, 10_000);
    expect(modification.status).toBe('synced');
    const attempts = h.updates('PFA-10003');
    expect(attempts.map((entry) => entry.status)).toEqual([429, 200]);
    const wait = attempts[1].at - (attempts[0].at + 100);
    expect(wait).toBeGreaterThanOrEqual(3000);
    expect(wait).toBeLessThanOrEqual(4000);
    expect(await h.itemOf(id)).toMatchObject({ status: 'completed', retryCount: 1 });
  });

  it('Retry-After given as an HTTP date is honoured too', async () => {
    h.simulator.setFaults({ statusShares: { 429: 0.1 }, retryAfterSeconds: 3, retryAfterAsHttpDate: true, seed: seedFaultingOnlyFirst(0.1) });
    const id = await h.edit('PFA-10004', { model: 'dated' });
    await h.queueOk();

    const [modification] = await waitForModifications(h.dataSource, [id], undefined, 10_000);
    expect(modification.status).toBe('synced');
    const attempts = h.updates('PFA-10004');
    expect(attempts.map((entry) => entry.status)).toEqual([429, 200]);
    // The date has whole seconds and is rounded up: between 3 and 4 s after the refusal, plus at most ~1 s.
    const wait = attempts[1].at - attempts[0].at;
    expect(wait).toBeGreaterThanOrEqual(2900);
    expect(wait).toBeLessThanOrEqual(5000);
  });

  it('Retry-After shorter than the delay: the delay wins', async () => {
    h.simulator.setFaults({ statusShares: { 503: 1 } });
    const id = await h.edit('PFA-10005', { model: 'delayed' });
    await h.queueOk();
    await waitUntil('the first failed attempt', () => h.updates('PFA-10005').length >= 1, 5000);
    // The second attempt is refused with Retry-After: 1 s, but the second delay is 2 s.
    h.simulator.setFaults({ statusShares: { 429: 1 }, retryAfterSeconds: 1 });
    await waitUntil('the second attempt', () => h.updates('PFA-10005').length >= 2, 5000);
    h.simulator.clearFaults();

    const [modification] = await waitForModifications(h.dataSource, [id], undefined, 10_000);
    expect(modification.status).toBe('synced');
    const attempts = h.updates('PFA-10005');
    expect(attempts.map((entry) => entry.status)).toEqual([503, 429, 200]);
    const wait = attempts[2].at - attempts[1].at;
    expect(wait).toBeGreaterThanOrEqual(DELAYS[1]);
    expect(wait).toBeLessThanOrEqual(DELAYS[1] + 1000);
  });

  it('a retry is on time while a backlog drains: it does not wait behind items queued before it is due', async () => {
    // The first write fails once; right after, 59 more are queued: about 6 s of sends at 10/s.
    h.simulator.setFaults({ statusShares: { 503: 0.05 }, seed: seedFaultingOnlyFirst(0.05, 80) });
    const first = await h.edit('PFA-10001', { model: 'retried in time' });
    const backlog: string[] = [];
    for (const pfaId of pfaIds(59, 1)) backlog.push(await h.edit(pfaId, { manufacturer: `${pfaId} maker` }));
    await h.queueOk({ modificationIds: [first] });
    await waitUntil('the first attempt to fail', async () => (await h.itemOf(first)).retryCount === 1, 5000);
    await h.queueOk();

    const [modification] = await waitForModifications(h.dataSource, [first], undefined, 15_000);
    expect(modification.status).toBe('synced');
    const attempts = h.updates('PFA-10001');
    expect(attempts.map((entry) => entry.status)).toEqual([503, 200]);
    const wait = attempts[1].at - attempts[0].at;
    expect(wait).toBeGreaterThanOrEqual(DELAYS[0]);
    expect(wait).toBeLessThanOrEqual(DELAYS[0] + 1500);
    await waitForModifications(h.dataSource, backlog, undefined, 15_000);
  });
});
