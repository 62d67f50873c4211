import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { DataSource } from 'typeorm';

/**
 * @nestjs/throttler's counts in PostgreSQL, so that every instance counts a user's requests
 * together. One statement per request: the key's row is counted up (or starts a new window),
 * and blocked for `blockDuration` once over the limit (the count and the block in one update).
 */
/** The key's count after this request: unchanged while blocked, 1 in a new window, else one more. */
const NEW_HITS = `CASE WHEN t.blocked_until > now() THEN t.hits WHEN t.window_ends_at <= now() THEN 1 ELSE t.hits + 1 END`;

export class PostgresThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly dataSource: DataSource) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const [row]: Array<{ hits: number; expires_in_ms: number; blocked_for_ms: number | null }> = await this.dataSource.query(
      `WITH expired AS (
         DELETE FROM request_throttle WHERE window_ends_at < now() - interval '1 hour' AND (blocked_until IS NULL OR blocked_until < now()) AND key <> $1
       ), counted AS (
         INSERT INTO request_throttle AS t (key, hits, window_ends_at) VALUES ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
         ON CONFLICT (key) DO UPDATE SET
           hits = ${NEW_HITS},
           window_ends_at = CASE WHEN t.window_ends_at <= now() AND NOT coalesce(t.blocked_until > now(), false) THEN now() + make_interval(secs => $2::float8 / 1000) ELSE t.window_ends_at END,
           blocked_until = CASE WHEN t.blocked_until > now() THEN t.blocked_until
                                WHEN ${NEW_HITS} > $3 THEN now() + make_interval(secs => $4::float8 / 1000) END
         RETURNING hits, window_ends_at, blocked_until
       )
       SELECT hits,
              EXTRACT(EPOCH FROM window_ends_at - now())::float8 * 1000 AS expires_in_ms,
              EXTRACT(EPOCH FROM blocked_until - now())::float8 * 1000 AS blocked_for_ms
       FROM counted`,
      [key, ttl, limit, blockDuration],
    );
    const blockedForMs = row.blocked_for_ms !== null && row.blocked_for_ms > 0 ? row.blocked_for_ms : 0;
    return {
      totalHits: row.hits,
      timeToExpire: Math.max(0, Math.ceil(row.expires_in_ms / 1000)),
      isBlocked: blockedForMs > 0,
      timeToBlockExpire: Math.ceil(blockedForMs / 1000),
    };
  }
}
