import { setTimeout as timeout } from 'node:timers/promises';

/** The longest delay a Node.js timer takes as given; a longer one fires after 1 ms instead. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Sleeps `milliseconds` (at least), on the monotonic clock, in timer-sized chunks: a delay too
 * long for one timer is never cut short.
 */
export async function sleep(milliseconds: number): Promise<void> {
  await sleepUntil(performance.now() + Math.max(0, milliseconds));
}

/** Sleeps until performance.now() reaches `deadline` (never returns before it). */
export async function sleepUntil(deadline: number): Promise<void> {
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) return;
    // Timers may fire up to a millisecond early by performance.now(): round up, and look again.
    await timeout(Math.min(Math.ceil(left), LONGEST_TIMER_MS));
  }
}

/** A timer (like setTimeout) for any delay, in chunks; `unref` as setTimeout's. Answers a cancel function. */
export function wakeAfter(milliseconds: number, callback: () => void): () => void {
  const deadline = performance.now() + Math.max(0, milliseconds);
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = deadline - performance.now();
    if (left <= 0) {
      callback();
      return;
    }
    timer = setTimeout(arm, Math.min(Math.ceil(left), LONGEST_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
