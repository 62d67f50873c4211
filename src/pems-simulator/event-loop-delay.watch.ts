import { preciseNow } from './pems-request.log';

/**
 * How long the simulator's thread may have left a request unread: when its event loop is busy
 * (or the thread is not scheduled), a request that arrived waits (in the accept queue, then in
 * its socket), and the arrival time the log records is late by up to that much. A 1 ms timer
 * notes the last moment the loop was free, i.e. ran the timer on time: a request read now may
 * have arrived any time since then. Tests use this to tell a measurement they cannot trust from
 * a breach of the rate limit.
 */
export class EventLoopDelayWatch {
  /** The last time the timer ran on time: the loop had nothing else to do. */
  private lastFree = preciseNow();
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    if (this.timer) return;
    let expected = preciseNow() + 1;
    this.timer = setInterval(() => {
      const now = preciseNow();
      if (now - expected < 1) this.lastFree = now;
      expected = now + 1;
    }, 1);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The most a request read at `now` may have waited unread, in ms (the timer's own millisecond included). */
  uncertaintyAt(now: number): number {
    return Math.max(0, now - this.lastFree) + 1;
  }
}
