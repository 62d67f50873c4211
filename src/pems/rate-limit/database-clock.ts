/** How long an answer's reading of the database's clock is kept to narrow the bounds. */
const SAMPLE_WINDOW_MS = 10_000;
/** At most this many readings are kept (a busy tenant answers dozens per second). */
const MAX_SAMPLES = 256;

interface Reading {
  /** performance.now() when the answer arrived. */
  at: number;
  /** The offset (the database's epoch ms minus performance.now()) was at least this, and at most `high`. */
  low: number;
  high: number;
}

/**
 * Where the database's clock stands against this process's monotonic clock (performance.now()),
 * as bounds that are never wrong, from answers that carry the database's time.
 *
 * An answer says the database read its clock (`dbNowMs`) somewhere between the moment the query
 * was sent on its connection and the moment the answer was read. So the offset lies within
 * [dbNowMs - answeredAt, dbNowMs - sentAt], and the tightest of the recent readings hold for all
 * of them (the two clocks advance at the same rate). One reading alone is as wide as its round
 * trip, and a busy event loop reads answers late: at 50 tenants, 110 ms. The narrowest reading of
 * the last ten seconds is about a millisecond wide.
 *
 * - `reachedAt(dbMs)`: the local moment the database's clock has certainly reached `dbMs` (a send
 *   waits until then: never early).
 * - `stillBefore(dbMs)`: the last local moment at which the database's clock certainly has not
 *   passed `dbMs` (a send that leaves by then left within its grant's allowance).
 * - `latestAt(local)`: the latest the database's clock can read at a local moment (a departure is
 *   recorded that late: never earlier than it was).
 *
 * Readings that contradict each other (the database's clock was stepped) are dropped but the newest.
 */
export class DatabaseClock {
  private readings: Reading[] = [];

  observe(sentAt: number, answeredAt: number, dbNowMs: number): void {
    const reading: Reading = { at: answeredAt, low: dbNowMs - answeredAt, high: dbNowMs - sentAt };
    this.readings = this.readings.filter((kept) => kept.at > answeredAt - SAMPLE_WINDOW_MS).slice(-(MAX_SAMPLES - 1));
    this.readings.push(reading);
    if (this.low() > this.high()) this.readings = [reading];
  }

  reachedAt(dbMs: number): number {
    return dbMs - this.low();
  }

  stillBefore(dbMs: number): number {
    return dbMs - this.high();
  }

  latestAt(local: number): number {
    return local + this.high();
  }

  private low(): number {
    return this.readings.reduce((low, reading) => Math.max(low, reading.low), -Infinity);
  }

  private high(): number {
    return this.readings.reduce((high, reading) => Math.min(high, reading.high), Infinity);
  }
}
