import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { PemsRateLimiter } from '../client/pems-rate-limiter';

/**
 * Keeps every PEMS tenant under its requests-per-second limit across all instances of the
 * app, by handing out send slots from one row per tenant in PostgreSQL (docs/rate-limiting.md).
 *
 * Each call reserves the tenant's next free slot with one atomic upsert and sleeps until it:
 * slots are `spacing` apart, so sends are spread evenly instead of released in bursts, and
 * because the database clock decides, instances with skewed clocks still agree. The spacing
 * carries a small margin over 1/rate so that a send that wakes a few milliseconds late can
 * never put two slots' worth of requests into one PEMS second.
 */
@Injectable()
export class PostgresPemsRateLimiter extends PemsRateLimiter {
  /** A send may wake this much later than its slot (timer and event-loop lag) without breaking the limit. */
  static readonly SPACING_MARGIN = 0.015;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  static spacingMs(ratePerSecond: number): number {
    return (1000 / ratePerSecond) * (1 + PostgresPemsRateLimiter.SPACING_MARGIN);
  }

  async acquire(tenantKey: string, ratePerSecond: number): Promise<void> {
    const [wait] = await this.reserve(tenantKey, ratePerSecond, 1);
    if (wait > 0) await sleep(wait);
  }

  /**
   * Reserves `count` consecutive slots and returns, for each, how many milliseconds from now
   * it starts. A paused tenant (Retry-After) hands out slots only after the pause.
   */
  async reserve(tenantKey: string, ratePerSecond: number, count: number): Promise<number[]> {
    const spacingMs = PostgresPemsRateLimiter.spacingMs(ratePerSecond);
    const rows: Array<{ first_wait_ms: string | number }> = await this.dataSource.query(
      `INSERT INTO pems_rate_limits AS limits (tenant_key, next_slot_at)
       VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 * $3 / 1000))
       ON CONFLICT (tenant_key) DO UPDATE SET next_slot_at =
         GREATEST(limits.next_slot_at, limits.paused_until, clock_timestamp()) + make_interval(secs => $2::float8 * $3 / 1000)
       RETURNING EXTRACT(EPOCH FROM (limits.next_slot_at - clock_timestamp())) * 1000 - $2::float8 * $3 AS first_wait_ms`,
      [tenantKey, spacingMs, count],
    );
    const first = Number(rows[0].first_wait_ms);
    return Array.from({ length: count }, (_, index) => Math.max(0, first + index * spacingMs));
  }

  /** PEMS said Retry-After: nobody sends to this tenant, from any instance, until it has passed. */
  async pause(tenantKey: string, milliseconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO pems_rate_limits AS limits (tenant_key, next_slot_at, paused_until)
       VALUES ($1, clock_timestamp(), clock_timestamp() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (tenant_key) DO UPDATE SET paused_until =
         GREATEST(limits.paused_until, clock_timestamp() + make_interval(secs => $2::float8 / 1000))`,
      [tenantKey, milliseconds],
    );
  }
}
