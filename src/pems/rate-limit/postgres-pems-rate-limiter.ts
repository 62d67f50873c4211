import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { GroupedCalls } from '../../common/grouped-calls';
import { sleep, sleepUntil } from '../../common/sleep';
import { AppConfig } from '../../config/app-config';
import { DatabaseServerService } from '../../database/database-server.service';
import { PemsRateLimiter, PemsTenantPausedError, SendPermit } from '../client/pems-rate-limiter';

/** A turn in the tenant's schedule: when to ask for the grant (performance.now()). */
interface Turn {
  dueAt: number;
}

/** The database's answer to one caller's request for a grant. */
type GrantAnswer =
  | { granted: true; grantNumber: number; waitMs: number; dbNowMs: number; askedAt: number; answeredAt: number }
  | { granted: false; retryInMs: number; paused: boolean };

/**
 * Keeps every PEMS tenant under its requests-per-second limit across all instances of the
 * app, with one row per tenant in PostgreSQL (docs/rate-limiting.md). Two steps per send:
 *
 * 1. **A turn.** The caller reserves the tenant's next turn (evenly spaced, so sends are spread,
 *    not bursts) and sleeps until it.
 * 2. **A grant** (closed loop). At its turn, the caller asks for a grant. The database grants a
 *    send only one window (1 s + PEMS_RATE_LIMIT_MARGIN_MS) after the latest time the send
 *    `rate` places before it may have left, so however late some sends leave, no window holds
 *    more than `rate` of them; and not closer than MIN_GAP_SHARE of the spacing to the send
 *    before it, so a late send is not followed by a burst. The recorded time is the grant plus ALLOWANCE_MS; a send that
 *    leaves later than that (a busy event loop, a new connection) records when it really left,
 *    right after (`departed`). Lateness costs throughput, never the limit, and never a give-up.
 *
 * Every wait is measured on this process's monotonic clock from the database's answer, which
 * says how long to wait by the database's own clock: a step of either clock cannot make a send
 * early, and an answer that comes late only makes the send late.
 *
 * The limiter has connections of its own (POOL_SIZE), apart from the pool that serves the API:
 * a busy API would otherwise keep each grant waiting for a connection, every send would leave
 * that much late, and the time it records for the send would be that much less tight.
 */
@Injectable()
export class PostgresPemsRateLimiter extends PemsRateLimiter implements OnApplicationShutdown {
  /** How long after its grant a caller may leave without saying when it left. */
  static readonly ALLOWANCE_MS = 4;
  /** The window's grants kept per tenant: at most this many, then the window shrinks in proportion (32 sends in 32 ms at 1,000/s). */
  static readonly MAX_WINDOW_ENTRIES = 32;
  /** A caller holds on for a Retry-After pause up to this long; a longer pause sends it back to the queue. */
  static readonly MAX_WAIT_IN_PLACE_MS = 10_000;
  /** Two sends are at least this share of the spacing apart, even when the one before left late: spread, not bursts. */
  static readonly MIN_GAP_SHARE = 0.6;
  /** The limiter's own connections: one grant or reservation per tenant is on its way at a time (GroupedCalls). */
  static readonly POOL_SIZE = 4;

  private readonly logger = new Logger('PemsRateLimiter');
  /** Callers of one tenant that ask while its previous reservation is on its way share the next. */
  private readonly turns = new GroupedCalls<number, Turn>((tenantKey, rates) => this.reserve(tenantKey, Math.min(...rates), rates.length));
  /** Likewise for grants. */
  private readonly grants = new GroupedCalls<number, GrantAnswer>((tenantKey, rates) => this.grant(tenantKey, Math.min(...rates), rates.length));

  private pool?: Promise<Pool>;

  constructor(
    private readonly database: DatabaseServerService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  private async query<T>(text: string, values: unknown[]): Promise<T[]> {
    this.pool ??= this.database.connectionUrl().then((connectionString) => {
      const pool = new Pool({ connectionString, max: PostgresPemsRateLimiter.POOL_SIZE, application_name: 'pems-sync-rate-limit', connectionTimeoutMillis: 10_000 });
      // An idle connection that breaks (a restarted database) is dropped; the next query opens another.
      pool.on('error', (error) => this.logger.warn(`A rate-limit connection failed: ${error.message}`));
      return pool;
    });
    return (await (await this.pool).query(text, values)).rows as T[];
  }

  async onApplicationShutdown(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool).end();
  }

  /** The window that may hold `entries` sends at `ratePerSecond`: a second plus the margin, or its share of it. */
  private window(ratePerSecond: number): { entries: number; ms: number } {
    const entries = Math.max(1, Math.min(Math.floor(ratePerSecond), PostgresPemsRateLimiter.MAX_WINDOW_ENTRIES));
    return { entries, ms: ((1000 + this.config.PEMS_RATE_LIMIT_MARGIN_MS) * entries) / ratePerSecond };
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
      const [answer] = await Promise.all([this.grantWhenFree(tenantKey, ratePerSecond), precondition?.()]);
      if (!answer) continue; // paused meanwhile: a new turn, after the pause
      await sleepUntil(answer.answeredAt + answer.waitMs);
      // Stalled for half a window past the grant (a frozen process): its time is no longer a
      // bound worth trusting; ask again rather than send.
      if (performance.now() - (answer.askedAt + answer.waitMs) > this.window(ratePerSecond).ms / 2) continue;
      return this.permit(tenantKey, answer);
    }
  }

  /** Asks for a grant until there is one; null when the tenant was paused meanwhile (the caller takes a new turn). */
  private async grantWhenFree(tenantKey: string, ratePerSecond: number): Promise<Extract<GrantAnswer, { granted: true }> | null> {
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

  private permit(tenantKey: string, answer: Extract<GrantAnswer, { granted: true }>): SendPermit {
    const leaveBy = answer.askedAt + answer.waitMs + PostgresPemsRateLimiter.ALLOWANCE_MS;
    return {
      departed: (leftAt: number) => {
        if (leftAt <= leaveBy) return;
        // The database's clock read answer.dbNowMs no earlier than we asked: this is the latest it may have left.
        const latest = answer.dbNowMs + (leftAt - answer.askedAt);
        this.query('SELECT pems_rate_limit_departed($1, $2, to_timestamp($3::float8 / 1000))', [tenantKey, answer.grantNumber, latest])
          .catch((error: Error) => this.logger.warn(`Could not record a late departure for ${tenantKey}: ${error.message}`));
      },
    };
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
    const askedAt = performance.now();
    const rows = await this.query<{ grant_number: string | null; wait_ms: number | null; paused_ms: number | null; db_now_ms: number }>(
      'SELECT * FROM pems_rate_limit_grant($1, $2, $3, $4, $5, $6, $7)',
      [
        tenantKey,
        count,
        window.entries,
        window.ms,
        this.spacingMs(ratePerSecond) * PostgresPemsRateLimiter.MIN_GAP_SHARE,
        PostgresPemsRateLimiter.ALLOWANCE_MS,
        Math.max(this.spacingMs(ratePerSecond), 5),
      ],
    );
    const answeredAt = performance.now();
    const answers: GrantAnswer[] = [];
    for (const row of rows) {
      if (row.grant_number === null) break;
      answers.push({ granted: true, grantNumber: Number(row.grant_number), waitMs: Math.max(0, row.wait_ms ?? 0), dbNowMs: row.db_now_ms, askedAt, answeredAt });
    }
    const rest = rows.find((row) => row.grant_number === null);
    const refusal: GrantAnswer = rest?.paused_ms != null ? { granted: false, retryInMs: rest.paused_ms, paused: true } : { granted: false, retryInMs: Math.max(0, rest?.wait_ms ?? 0), paused: false };
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
}
