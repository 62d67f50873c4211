import { preciseNow } from './pems-request.log';

/**
 * How long the simulator's thread may have left a request unread: when its event loop is
 * busy (or the thread is not scheduled), a request that arrived waits, and the arrival time
 * the log records is late by up to that much. A 1 ms timer notes when it last ran and how
 * late; a request read now may have arrived as long ago as the stall that ended just before
 * plus the time since. Tests use this to tell a measurement they cannot trust from a breach of
 * the rate limit.
 */
export class EventLoopDelayWatch {
  private lastTick = preciseNow();
  private lastLateness = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    if (this.timer) return;
    let expected = preciseNow() + 1;
    this.timer = setInterval(() => {
      const now = preciseNow();
      this.lastLateness = Math.max(0, now - expected);
      this.lastTick = now;
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
    return this.lastLateness + Math.max(0, now - this.lastTick) + 1;
  }
}
