/** How long an answer's reading of the database's clock is kept to narrow the bounds. */
const SAMPLE_WINDOW_MS = 10_000;
/** At most this many readings are kept (at 50 tenants, less than a second of answers). */
const MAX_SAMPLES = 256;
/**
 * How fast the two clocks may run apart: NTP slews a clock by up to 500 ppm, and both may be
 * slewed, in opposite directions. A reading's bounds widen by this much per millisecond of its age.
 */
const DRIFT_PER_MS = 1e-3;

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
 * [dbNowMs - answeredAt, dbNowMs - sentAt], and the tightest of the recent readings (up to 256,
 * ten seconds at most) hold for all of them, each widened by how far the two clocks may have run
 * apart since it was taken (DRIFT_PER_MS). One reading alone is as wide as its round
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

  constructor(private readonly driftPerMs = DRIFT_PER_MS) {}

  observe(sentAt: number, answeredAt: number, dbNowMs: number): void {
    const reading: Reading = { at: answeredAt, low: dbNowMs - answeredAt, high: dbNowMs - sentAt };
    this.readings = this.readings.filter((kept) => kept.at > answeredAt - SAMPLE_WINDOW_MS).slice(-(MAX_SAMPLES - 1));
    this.readings.push(reading);
    if (this.low(answeredAt) > this.high(answeredAt)) this.readings = [reading];
  }

  reachedAt(dbMs: number): number {
    return dbMs - this.low(dbMs - this.low(performance.now()));
  }

  stillBefore(dbMs: number): number {
    return dbMs - this.high(dbMs - this.high(performance.now()));
  }

  latestAt(local: number): number {
    return local + this.high(local);
  }

  /** The offset was at least this at the local moment `at`. */
  private low(at: number): number {
    return this.readings.reduce((low, reading) => Math.max(low, reading.low - this.driftPerMs * Math.abs(at - reading.at)), -Infinity);
  }

  /** The offset was at most this at the local moment `at`. */
  private high(at: number): number {
    return this.readings.reduce((high, reading) => Math.min(high, reading.high + this.driftPerMs * Math.abs(at - reading.at)), Infinity);
  }
}
