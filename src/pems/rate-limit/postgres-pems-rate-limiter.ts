import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { GroupedCalls } from '../../common/grouped-calls';
import { sleep, sleepUntil } from '../../common/sleep';
import { AppConfig } from '../../config/app-config';
import { DatabaseServerService } from '../../database/database-server.service';
import { PemsRateLimiter, PemsTenantPausedError, SendPermit } from '../client/pems-rate-limiter';
import { DatabaseClock } from './database-clock';

/** A turn in the tenant's schedule: when to ask for the grant (performance.now()). */
interface Turn {
  dueAt: number;
}

/** A grant the database gave, on performance.now()'s clock (DatabaseClock): when to send, and the latest a send may leave without reporting or at all. */
interface Grant {
  grantNumber: number;
  sendAt: number;
  leaveBy: number;
  abandonAt: number;
}

/** The database's answer to one caller's request for a grant. */
type GrantAnswer = ({ granted: true } & Grant) | { granted: false; retryInMs: number; paused: boolean };

/** A late departure, as told to the database: the grant, and the latest it may have left (the database's epoch ms). */
interface Departure {
  grantNumber: number;
  leftAtMs: number;
}

/** The window a tenant's grants are judged by. */
interface RateWindow {
  /** A send is granted one window after the send `entries` grants before it. */
  entries: number;
  ms: number;
}

/**
 * Keeps every PEMS tenant under its requests-per-second limit across all instances of the
 * app, with one row per tenant in PostgreSQL (docs/rate-limiting.md). Two steps per send:
 *
 * 1. **A turn.** The caller reserves the tenant's next turn (evenly spaced, so sends are spread,
 *    not bursts) and sleeps until it.
 * 2. **A grant** (closed loop). At its turn, the caller asks for a grant. The database grants a
 *    send only one window (1 s + PEMS_RATE_LIMIT_MARGIN_MS) after the latest time the send
 *    `rate` places before it may have left, so however late sends leave, no window holds more
 *    than `rate` of them; and not closer than MIN_GAP_SHARE of the spacing to the send before
 *    it, so a late send is not followed by a burst. The time kept for a grant is the grant plus
 *    ALLOWANCE_MS; a send that leaves later than that (a busy event loop, a new connection)
 *    reports when it really left, at once. A send that could not leave within half a window of
 *    its grant does not leave at all (the client's transport abandons it), so its report always
 *    arrives before the grant one window later. Lateness costs
 *    throughput, never the limit, and never a give-up.
 *
 * Above MAX_WINDOW_ENTRIES per second, the window is split: k = ceil(rate / 200) windows of
 * (1 s + margin) / k, each holding floor(rate / k) sends.
 *
 * Every wait is measured on this process's monotonic clock from the database's answer, which
 * says how long to wait by the database's own clock: a step of the local clock cannot make a
 * send early, and an answer that comes late only makes the send late.
 *
 * The limiter has connections of its own (POOL_SIZE), apart from the pool that serves the API,
 * so that an API that keeps the pool busy does not keep the grants waiting.
 */
@Injectable()
export class PostgresPemsRateLimiter extends PemsRateLimiter implements OnApplicationShutdown {
  /** How long after its grant a caller may leave without reporting when it left. */
  static readonly ALLOWANCE_MS = 4;
  /** The most sends one window holds (the database keeps as many of a tenant's last grants as its callers' windows need). */
  static readonly MAX_WINDOW_ENTRIES = 200;
  /** A caller holds on for a Retry-After pause up to this long; a longer pause sends it back to the queue. */
  static readonly MAX_WAIT_IN_PLACE_MS = 10_000;
  /** Two sends are at least this share of the spacing apart (less the allowance), even when the one before left late: spread, not bursts. */
  static readonly MIN_GAP_SHARE = 0.75;
  /** The limiter's own connections: one reservation, one grant and one report per tenant are on their way at a time (GroupedCalls). */
  static readonly POOL_SIZE = 6;

  private readonly logger = new Logger('PemsRateLimiter');
  /** Callers of one tenant that ask while its previous reservation is on its way share the next. */
  private readonly turns = new GroupedCalls<number, Turn>((tenantKey, rates) => this.reserve(tenantKey, Math.min(...rates), rates.length));
  /** Likewise for grants. */
  private readonly grants = new GroupedCalls<number, GrantAnswer>((tenantKey, rates) => this.grant(tenantKey, Math.min(...rates), rates.length));
  /** Likewise for late departures: the first goes at once, those that come while it is on its way go together next. */
  private readonly departures = new GroupedCalls<Departure, void>((tenantKey, departures) => this.recordDepartures(tenantKey, departures));
  private pool?: Promise<Pool>;
  /** The database's clock against this process's, narrowed by every grant's answer. */
  private readonly databaseClock = new DatabaseClock();

  constructor(
    private readonly database: DatabaseServerService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  private window(ratePerSecond: number): RateWindow {
    const windows = Math.max(1, Math.ceil(ratePerSecond / PostgresPemsRateLimiter.MAX_WINDOW_ENTRIES));
    return { entries: Math.max(1, Math.floor(ratePerSecond / windows)), ms: (1000 + this.config.PEMS_RATE_LIMIT_MARGIN_MS) / windows };
  }

  /** The spacing of the tenant's turns: the window's pace, including each grant's allowance. */
  spacingMs(ratePerSecond: number): number {
    const { entries, ms } = this.window(ratePerSecond);
    return (ms + PostgresPemsRateLimiter.ALLOWANCE_MS) / entries;
  }

  async acquire(tenantKey: string, ratePerSecond: number, precondition?: () => Promise<void>): Promise<SendPermit> {
    for (;;) {
      const turn = await this.turns.call(tenantKey, ratePerSecond);
      await sleepUntil(turn.dueAt);
      // The caller's own check (is the server paused for its credentials?) runs alongside the grant.
      const [grant] = await Promise.all([this.grantWhenFree(tenantKey, ratePerSecond), precondition?.()]);
      if (!grant) continue; // paused meanwhile: a new turn, after the pause
      await sleepUntil(grant.sendAt);
      // Stalled past the time a late departure can still be reported in time (a frozen process):
      // this grant is spent; ask for another rather than send on it.
      if (performance.now() > grant.abandonAt) continue;
      return this.permit(tenantKey, grant);
    }
  }

  /** Asks for a grant until there is one; null when the tenant was paused meanwhile (the caller takes a new turn). */
  private async grantWhenFree(tenantKey: string, ratePerSecond: number): Promise<Grant | null> {
    for (;;) {
      const answer = await this.grants.call(tenantKey, ratePerSecond);
      if (answer.granted) return answer;
      if (answer.paused) {
        if (answer.retryInMs > PostgresPemsRateLimiter.MAX_WAIT_IN_PLACE_MS) throw new PemsTenantPausedError(answer.retryInMs);
        return null;
      }
      await sleep(answer.retryInMs);
    }
  }

  private permit(tenantKey: string, grant: Grant): SendPermit {
    return {
      abandonAt: grant.abandonAt,
      departed: (leftAt: number) => {
        if (leftAt <= grant.leaveBy) return;
        // Recorded as the latest the request may have left, by the database's clock.
        this.departures
          .call(tenantKey, { grantNumber: grant.grantNumber, leftAtMs: this.databaseClock.latestAt(leftAt) })
          .catch((error: Error) => this.logger.warn(`Could not record a late departure for ${tenantKey}: ${error.message}`));
      },
    };
  }

  private async recordDepartures(tenantKey: string, departures: Departure[]): Promise<void[]> {
    await this.query('SELECT pems_rate_limit_departed($1, $2, $3)', [tenantKey, departures.map((d) => d.grantNumber), departures.map((d) => d.leftAtMs)]);
    return departures.map(() => undefined);
  }

  /**
   * Reserves `count` turns, spaced evenly after the tenant's last one and after any pause.
   * A tenant paused for longer than MAX_WAIT_IN_PLACE_MS reserves nothing: every caller is told
   * to come back later (PemsTenantPausedError).
   */
  private async reserve(tenantKey: string, ratePerSecond: number, count: number): Promise<Turn[]> {
    const spacingMs = this.spacingMs(ratePerSecond);
    const rows = await this.query<{ first_in_ms: number; paused_ms: number | null }>(
      `INSERT INTO pems_rate_limits AS limits (tenant_key, next_slot_at)
       VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 * $3 / 1000))
       ON CONFLICT (tenant_key) DO UPDATE SET next_slot_at =
         CASE WHEN limits.paused_until > clock_timestamp() + make_interval(secs => $4::float8 / 1000) THEN limits.next_slot_at
              ELSE GREATEST(limits.next_slot_at, limits.paused_until, clock_timestamp()) + make_interval(secs => $2::float8 * $3 / 1000) END
       RETURNING EXTRACT(EPOCH FROM limits.next_slot_at - clock_timestamp())::float8 * 1000 - $2::float8 * $3 AS first_in_ms,
                 CASE WHEN limits.paused_until > clock_timestamp() + make_interval(secs => $4::float8 / 1000)
                      THEN EXTRACT(EPOCH FROM limits.paused_until - clock_timestamp())::float8 * 1000 END AS paused_ms`,
      [tenantKey, spacingMs, count, PostgresPemsRateLimiter.MAX_WAIT_IN_PLACE_MS],
    );
    const answeredAt = performance.now();
    const { first_in_ms: firstInMs, paused_ms: pausedMs } = rows[0];
    if (pausedMs !== null) throw new PemsTenantPausedError(pausedMs);
    return Array.from({ length: count }, (_, index) => ({ dueAt: answeredAt + Math.max(0, firstInMs) + index * spacingMs }));
  }

  /** Asks the database for `count` grants (pems_rate_limit_grant, migration LeaseTokensAndClosedLoopLimits). */
  private async grant(tenantKey: string, ratePerSecond: number, count: number): Promise<GrantAnswer[]> {
    const window = this.window(ratePerSecond);
    const spacingMs = this.spacingMs(ratePerSecond);
    const { rows, sentAt, answeredAt } = await this.timedQuery<{ grant_number: string | null; wait_ms: number | null; paused_ms: number | null; db_now_ms: number }>(
      'SELECT * FROM pems_rate_limit_grant($1, $2, $3, $4, $5, $6, $7)',
      [tenantKey, count, window.entries, window.ms, spacingMs * PostgresPemsRateLimiter.MIN_GAP_SHARE, PostgresPemsRateLimiter.ALLOWANCE_MS, Math.max(spacingMs, 5)],
    );
    this.databaseClock.observe(sentAt, answeredAt, rows[0].db_now_ms);
    const answers: GrantAnswer[] = [];
    for (const row of rows) {
      if (row.grant_number === null) break;
      // The grant, by the database's clock; a send on it must leave within the allowance, and never more than half a
      // window after it, so that its report (sent at once) still reaches the database before the grant one window later.
      const grantedAtMs = row.db_now_ms + Math.max(0, row.wait_ms ?? 0);
      answers.push({
        granted: true,
        grantNumber: Number(row.grant_number),
        sendAt: this.databaseClock.reachedAt(grantedAtMs),
        leaveBy: this.databaseClock.stillBefore(grantedAtMs + PostgresPemsRateLimiter.ALLOWANCE_MS),
        abandonAt: this.databaseClock.stillBefore(grantedAtMs + window.ms / 2),
      });
    }
    const rest = rows.find((row) => row.grant_number === null);
    const refusal: GrantAnswer =
      rest?.paused_ms != null ? { granted: false, retryInMs: rest.paused_ms, paused: true } : { granted: false, retryInMs: Math.max(0, rest?.wait_ms ?? 0), paused: false };
    while (answers.length < count) answers.push(refusal);
    return answers;
  }

  async pause(tenantKey: string, milliseconds: number): Promise<void> {
    const capped = Math.min(Math.max(0, milliseconds), this.config.PEMS_RETRY_AFTER_MAX_MS);
    await this.query(
      `INSERT INTO pems_rate_limits AS limits (tenant_key, next_slot_at, paused_until)
       VALUES ($1, clock_timestamp(), clock_timestamp() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (tenant_key) DO UPDATE SET paused_until =
         GREATEST(limits.paused_until, clock_timestamp() + make_interval(secs => $2::float8 / 1000))`,
      [tenantKey, capped],
    );
  }

  private connections(): Promise<Pool> {
    this.pool ??= this.database.connectionUrl().then((connectionString) => {
      const pool = new Pool({ connectionString, max: PostgresPemsRateLimiter.POOL_SIZE, application_name: 'pems-sync-rate-limit', connectionTimeoutMillis: 10_000 });
      // An idle connection that breaks (a restarted database) is dropped; the next query opens another.
      pool.on('error', (error) => this.logger.warn(`A rate-limit connection failed: ${error.message}`));
      return pool;
    });
    return this.pool;
  }

  private async query<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await (await this.connections()).query(text, values)).rows as T[];
  }

  /**
   * A query on a connection of its own, with when it was sent (performance.now(), once the
   * connection was in hand) and when its answer arrived. The database reads its clock after
   * `sentAt`: the time spent waiting for a free connection must not count as the grant's (with
   * 50 tenants that wait was about 110 ms, and every send was then recorded as having left that
   * much later than it did, which slowed every tenant to 86 % of its limit).
   */
  private async timedQuery<T>(text: string, values: unknown[]): Promise<{ rows: T[]; sentAt: number; answeredAt: number }> {
    const client = await (await this.connections()).connect();
    let broken: Error | undefined;
    try {
      const sentAt = performance.now();
      const result = await client.query(text, values);
      return { rows: result.rows as T[], sentAt, answeredAt: performance.now() };
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // A connection whose query failed is not reused: it may be broken.
      client.release(broken);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool).end();
  }
}
