import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuthException } from './auth-errors';

/** The keys a login attempt counts under: its username (any case) and its client's address. */
function keysOf(username: string, address: string): string[] {
  return [`username:${username.toLowerCase()}`, `address:${address}`];
}

/**
 * Failed logins, per username and per client address, kept in the database so that all
 * instances count together: after LOGIN_MAX_FAILURES failures within LOGIN_FAILURE_WINDOW_MS,
 * either key is refused (429 with Retry-After) until its window ends, before any password is
 * hashed. A success clears the username's count (not the address's).
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Throws 429 when the username or the address has failed too often lately. */
  async assertAllowed(username: string, address: string): Promise<void> {
    const [blocked]: Array<{ retry_in_ms: number }> = await this.dataSource.query(
      `SELECT max(EXTRACT(EPOCH FROM window_started_at + make_interval(secs => $2::float8 / 1000) - now()) * 1000)::float8 AS retry_in_ms
       FROM login_failures
       WHERE key = ANY($1) AND failures >= $3 AND window_started_at > now() - make_interval(secs => $2::float8 / 1000)
       HAVING count(*) > 0`,
      [keysOf(username, address), this.config.LOGIN_FAILURE_WINDOW_MS, this.config.LOGIN_MAX_FAILURES],
    );
    if (!blocked) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(blocked.retry_in_ms / 1000));
    throw AuthException.tooManyLoginFailures(retryAfterSeconds);
  }

  /** Counts a failure under both keys (a window starts again once the last one ended), and lets expired rows go. */
  async failed(username: string, address: string): Promise<void> {
    await this.dataSource.query(
      `WITH expired AS (
         DELETE FROM login_failures WHERE window_started_at < now() - make_interval(secs => $2::float8 / 1000) AND NOT (key = ANY($1))
       )
       INSERT INTO login_failures AS f (key, failures, window_started_at)
       SELECT key, 1, now() FROM unnest($1::text[]) AS key
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.window_started_at <= now() - make_interval(secs => $2::float8 / 1000) THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.window_started_at <= now() - make_interval(secs => $2::float8 / 1000) THEN now() ELSE f.window_started_at END`,
      [keysOf(username, address), this.config.LOGIN_FAILURE_WINDOW_MS],
    );
  }

  async succeeded(username: string): Promise<void> {
    await this.dataSource.query('DELETE FROM login_failures WHERE key = $1', [keysOf(username, '')[0]]);
  }
}
