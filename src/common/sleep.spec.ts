import { sleep, sleepUntil, wakeAfter } from './sleep';

describe('sleep', () => {
  afterEach(() => jest.useRealTimers());

  it('never returns early, by the monotonic clock', async () => {
    for (const ms of [0, 1, 5, 20]) {
      const started = performance.now();
      await sleep(ms);
      expect(performance.now() - started).toBeGreaterThanOrEqual(ms);
    }
    const deadline = performance.now() + 15;
    await sleepUntil(deadline);
    expect(performance.now()).toBeGreaterThanOrEqual(deadline);
  });

  it('sleeps longer than a Node.js timer can hold (2^31 - 1 ms) in chunks, instead of firing after 1 ms', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick'] });
    const started = performance.now();
    let fired = false;
    const cancel = wakeAfter(2 ** 31 + 60_000, () => (fired = true));
    await jest.advanceTimersByTimeAsync(1000);
    expect(fired).toBe(false);
    await jest.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(fired).toBe(false);
    await jest.advanceTimersByTimeAsync(61_000);
    expect(fired).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 ** 31 + 60_000);
    cancel();
  });
});
