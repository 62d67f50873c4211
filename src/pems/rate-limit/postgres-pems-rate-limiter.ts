import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { GroupedCalls } from '../../common/grouped-calls';
import { PemsRateLimiter } from '../client/pems-rate-limiter';

/**
 * Keeps every PEMS tenant under its requests-per-second limit across all instances of the
 * app, by handing out send slots from one row per tenant in PostgreSQL (docs/rate-limiting.md).
 *
 * - Each call reserves the tenant's next free slot with one atomic upsert. Slots are
 *   `spacing` apart on the database's clock, so sends are spread evenly, never released in
 *   bursts, and every instance agrees on them.
 * - The caller sleeps until its slot. One that wakes more than MAX_LATENESS_MS late (a
 *   busy event loop) gives the slot up and reserves another: a late send followed by
 *   punctual ones is the only way the sends of one second could exceed the limit, and the
 *   spacing's margin absorbs lateness up to that bound.
 * - A send can also be late on its way out: the first requests of a process, and the first
 *   after a quiet spell (new connection, TLS, code not yet optimised), took 15-30 ms here
 *   against 1-3 ms once warm. Such a send gets an empty slot after its own, so it may arrive
 *   up to a whole spacing late harmlessly. That costs COLD_SENDS slots when a process
 *   starts and one per quiet spell, nothing while a backlog drains.
 */
@Injectable()
export class PostgresPemsRateLimiter extends PemsRateLimiter {
  /** Slots are this much more than 1/rate apart: room for MAX_LATENESS_MS plus the request's own way to PEMS. */
  static readonly SPACING_MARGIN = 0.025;
  static readonly MAX_LATENESS_MS = 12;
  static readonly COLD_SENDS = 2;
  /** A send whose slot was reserved longer ago than this looks at the tenant's pause again before it goes. */
  static readonly PAUSE_LOOK_MAX_AGE_MS = 20;
  private static readonly OFFSET_SAMPLES = 32;

  /** Recent estimates of (database clock - local clock); the largest is the least delayed. */
  private readonly offsetSamples: number[] = [];
  /** Sends this process has made per tenant, up to COLD_SENDS: after that its connections and code paths are warm. */
  private readonly sendsPerTenant = new Map<string, number>();

  /** Callers of one tenant that ask while its previous reservation is on its way share the next (`reserve(count)`). */
  private readonly slots = new GroupedCalls<number, number>((tenantKey, rates) => this.reserve(tenantKey, Math.min(...rates), rates.length));
  /** Likewise, callers that woke while a pause check was on its way share the next check. */
  private readonly pauseChecks = new GroupedCalls<void, boolean>(async (tenantKey, callers) => {
    const paused = await this.isPaused(tenantKey);
    return callers.map(() => paused);
  });

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  static spacingMs(ratePerSecond: number): number {
    return (1000 / ratePerSecond) * (1 + PostgresPemsRateLimiter.SPACING_MARGIN);
  }

  async acquire(tenantKey: string, ratePerSecond: number, precondition?: () => Promise<void>): Promise<void> {
    for (;;) {
      const sent = this.sendsPerTenant.get(tenantKey) ?? 0;
      const cold = sent < PostgresPemsRateLimiter.COLD_SENDS;
      if (cold) this.sendsPerTenant.set(tenantKey, sent + 1);
      // A cold send reserves alone, so that its empty slot follows it directly.
      const slot = cold ? (await this.reserve(tenantKey, ratePerSecond, 1, true))[0] : await this.slots.call(tenantKey, ratePerSecond);
      // The reservation was a look at the tenant's Retry-After pause. A pause that began while
      // we slept longer than PAUSE_LOOK_MAX_AGE_MS (from any instance) cancels the slot; the
      // caller's precondition runs alongside, so both cost one round trip of lateness, not two.
      const looked = Date.now();
      if (slot > looked) await sleep(slot - looked);
      const lookAgain = Date.now() - looked > PostgresPemsRateLimiter.PAUSE_LOOK_MAX_AGE_MS;
      const [paused] = await Promise.all([lookAgain ? this.pauseChecks.call(tenantKey, undefined) : false, precondition?.()]);
      if (paused) continue;
      // Judged last, after the checks' round trips, right before the caller sends.
      if (Date.now() - slot <= PostgresPemsRateLimiter.MAX_LATENESS_MS) return;
    }
  }

  /**
   * Reserves `count` slots and returns when each starts, in local epoch milliseconds. A
   * paused tenant (Retry-After) hands out slots only after the pause. With `cold`, or when
   * the tenant was idle, the first slot is followed by an empty one.
   */
  async reserve(tenantKey: string, ratePerSecond: number, count: number, cold = false): Promise<number[]> {
    const spacingMs = PostgresPemsRateLimiter.spacingMs(ratePerSecond);
    const rows: Array<{ first_slot_ms: string | number; span_ms: string | number; db_now_ms: string | number }> = await this.dataSource.query(
      `INSERT INTO pems_rate_limits AS limits (tenant_key, next_slot_at, last_slot_at)
       VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 * ($3 + 1) / 1000), clock_timestamp())
       ON CONFLICT (tenant_key) DO UPDATE SET
         last_slot_at = GREATEST(limits.next_slot_at, limits.paused_until, clock_timestamp()),
         next_slot_at = GREATEST(limits.next_slot_at, limits.paused_until, clock_timestamp())
           + make_interval(secs => $2::float8 * ($3 + CASE WHEN $4 OR limits.next_slot_at < clock_timestamp() THEN 1 ELSE 0 END) / 1000)
       RETURNING EXTRACT(EPOCH FROM limits.last_slot_at) * 1000 AS first_slot_ms,
                 EXTRACT(EPOCH FROM limits.next_slot_at - limits.last_slot_at) * 1000 AS span_ms,
                 EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS db_now_ms`,
      [tenantKey, spacingMs, count, cold],
    );
    const offset = this.observeOffset(Number(rows[0].db_now_ms), Date.now());
    const first = Number(rows[0].first_slot_ms) - offset;
    // The span is count (+1 with the empty slot) spacings long.
    const gap = Number(rows[0].span_ms) > (count + 0.5) * spacingMs ? 1 : 0;
    return Array.from({ length: count }, (_, index) => first + (index === 0 ? 0 : index + gap) * spacingMs);
  }

  private async isPaused(tenantKey: string): Promise<boolean> {
    const rows: Array<{ paused: boolean }> = await this.dataSource.query(
      'SELECT paused_until > clock_timestamp() AS paused FROM pems_rate_limits WHERE tenant_key = $1',
      [tenantKey],
    );
    return rows[0]?.paused === true;
  }

  /** PEMS said Retry-After: nobody sends to this tenant, from any instance, until it has passed. */
  async pause(tenantKey: string, milliseconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO pems_rate_limits AS limits (tenant_key, next_slot_at, last_slot_at, paused_until)
       VALUES ($1, clock_timestamp(), clock_timestamp(), clock_timestamp() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (tenant_key) DO UPDATE SET paused_until =
         GREATEST(limits.paused_until, clock_timestamp() + make_interval(secs => $2::float8 / 1000))`,
      [tenantKey, milliseconds],
    );
  }

  /**
   * Slot times come from the database's clock; this instance's clock may differ. Each answer
   * gives a sample (database time - local arrival time) that undershoots the true offset by
   * the answer's delay, so the largest recent sample is the best estimate.
   */
  private observeOffset(databaseNow: number, localNow: number): number {
    this.offsetSamples.push(databaseNow - localNow);
    if (this.offsetSamples.length > PostgresPemsRateLimiter.OFFSET_SAMPLES) this.offsetSamples.shift();
    return Math.max(...this.offsetSamples);
  }
}
