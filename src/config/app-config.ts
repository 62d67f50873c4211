import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { IsCronExpression } from './is-cron-expression.validator';
import { IsTokenLifetime } from './is-token-lifetime.validator';

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off'].includes(normalised)) return false;
  return value;
};

const toMillisecondList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((part) => (part.trim() === '' ? NaN : Number(part.trim()))) : value);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * Every setting of SPEC §3, validated at boot (validate-config.ts). Services read this
 * typed object, never process.env.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// connection URL' })
  DATABASE_URL?: string;

  /** Where the embedded PostgreSQL and the generated secrets live when DATABASE_URL is unset. */
  @IsString()
  DATA_DIR = '.data';

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Failed logins of one username, or from one client address, before it is refused (429) for the rest of the window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES = 10;

  /** The window LOGIN_MAX_FAILURES counts in, ms (15 minutes). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(24 * 60 * 60 * 1000)
  LOGIN_FAILURE_WINDOW_MS = 900_000;

  /**
   * Express's "trust proxy": unset, the client address is the connection's; behind a reverse
   * proxy, the number of proxies in front (e.g. 1) or their addresses, so that login throttling
   * counts per real client and not per proxy.
   */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  @IsString()
  @Matches(/^\d+(ms|s|m|h|d)?$/, { message: 'JWT_EXPIRES_IN must be a number of seconds or a duration such as 15m, 1h or 12h' })
  @IsTokenLifetime()
  JWT_EXPIRES_IN = '1h';

  @IsOptional()
  @IsString()
  CREDENTIALS_KEY?: string;

  @Transform(toBoolean)
  @IsBoolean()
  ENABLE_PEMS_WRITE_SYNC = true;

  @IsCronExpression()
  PEMS_WRITE_SYNC_SCHEDULE = '* * * * *';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  PEMS_WRITE_SYNC_BATCH_SIZE = 100;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN = 0;

  /**
   * Requests per second to one PEMS tenant, reads and writes alike, unless the API server sets
   * its own. Its old name, PEMS_WRITE_SYNC_RATE_LIMIT, is still read (validate-config.ts).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  PEMS_RATE_LIMIT_PER_SECOND = 10;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  PEMS_WRITE_SYNC_MAX_RETRIES = 3;

  @Transform(toMillisecondList)
  @IsInt({ each: true, message: 'PEMS_WRITE_SYNC_RETRY_DELAYS_MS must be a comma-separated list of whole milliseconds' })
  @Min(0, { each: true })
  PEMS_WRITE_SYNC_RETRY_DELAYS_MS: number[] = [5000, 10000, 20000];

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(24 * 60 * 60 * 1000)
  PEMS_WRITE_SYNC_LEASE_MS = 60000;

  /** Completed and cancelled queue items older than this are deleted (failed ones are kept), and webhook deliveries of any status; 0 keeps everything. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  PEMS_WRITE_SYNC_RETENTION_DAYS = 7;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  PEMS_REQUEST_TIMEOUT_MS = 30000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  PEMS_AUTH_PAUSE_MS = 300000;

  /** The longest Retry-After honoured (a longer one is cut to this); at most a week. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 60 * 60 * 1000)
  PEMS_RETRY_AFTER_MAX_MS = 3_600_000;

  /**
   * Added to the rate limit's one-second window: the most that requests' arrival times at PEMS
   * may vary on their way there (network, PEMS's own reading). Every millisecond costs 0.1 %
   * of the limit.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  PEMS_RATE_LIMIT_MARGIN_MS = 3;

  @IsOptional()
  @IsCronExpression()
  PEMS_READ_SYNC_SCHEDULE?: string;

  /**
   * The PEMS hosts API servers may point at, comma-separated: host names (us1.eam.hxgnsmartcloud.com),
   * wildcards (*.hxgnsmartcloud.com), addresses and networks (10.20.0.0/16). Nothing else is called,
   * and a name must resolve to a public address unless an address or network here covers it.
   * Empty: no PEMS host (demo mode still reaches its own simulator).
   */
  @IsString()
  PEMS_ALLOWED_HOSTS = '';

  /**
   * Hosts outgoing webhooks may also reach (the same forms as PEMS_ALLOWED_HOSTS: names, *.domain,
   * addresses, networks): a listed host may be called over http and may be (or resolve to) a
   * private or loopback address. Any other host must be public and called over https
   * (docs/webhooks.md). Empty: public https hosts only.
   */
  @IsString()
  WEBHOOK_ALLOWED_HOSTS = '';

  /** false: webhooks reach only the hosts of WEBHOOK_ALLOWED_HOSTS, no other public host. */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_PUBLIC_HOSTS = true;

  /** One webhook delivery's attempt: from connecting to the receiver's answer (its status line), ms. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** The delay before each retry of a delivery the receiver did not take; after the last, it is failed. */
  @Transform(toMillisecondList)
  @IsInt({ each: true, message: 'WEBHOOK_RETRY_DELAYS_MS must be a comma-separated list of whole milliseconds' })
  @Min(0, { each: true })
  @Max(7 * 24 * 60 * 60 * 1000, { each: true })
  WEBHOOK_RETRY_DELAYS_MS: number[] = [10_000, 60_000, 300_000, 1_800_000, 7_200_000];

  /** Webhook deliveries one instance has in flight at once. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOK_CONCURRENCY = 4;

  /**
   * A read sync marks the records PEMS no longer lists as deleted only up to this share (in
   * percent) of the organization's records not marked already; beyond it, none until a
   * person confirms (a stale or broken PEMS list must not make live records uneditable).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  PEMS_READ_SYNC_MAX_DELETE_PERCENT = 10;

  /** POST /api/pems/write-sync and POST /api/pems/read-sync one user may send per minute, each (429 beyond, for a minute). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  SYNC_REQUESTS_PER_MINUTE = 30;

  /** Event streams (GET /api/pems/events) one user may hold open on one instance; one more is 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  EVENT_STREAMS_PER_USER = 5;

  /** Event streams one instance holds open in all; one more is 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  EVENT_STREAMS_PER_INSTANCE = 500;

  /** How often an open event stream checks again that its token and permission still hold (also before each event). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(300_000)
  EVENT_STREAM_RECHECK_MS = 30_000;

  /**
   * API requests one instance works on at once when it runs the worker; more wait their turn
   * (src/common/request-concurrency.ts). The worker shares the event loop with the API: this keeps a
   * busy API from making sends late. Event streams, /health and /metrics do not count.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  API_MAX_CONCURRENT_REQUESTS = 8;

  /** Swagger UI (/api/docs) and the OpenAPI document (/api/docs-json); unset: on, except when NODE_ENV=production. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  API_DOCS?: boolean;

  /**
   * The bearer token /metrics asks for (Authorization: Bearer …), at least 16 characters. Unset:
   * /metrics is open, except when NODE_ENV=production, where it is off (404) until a token is set.
   */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'info';

  @IsString()
  LOG_FILE = 'logs/app.log';

  /** Filled in by loadAppConfig: true when no DATABASE_URL is given and the embedded PostgreSQL serves. */
  readonly embeddedDatabase: boolean;

  /** Filled in by validateConfig: one line for each variable set under its old name, logged once at boot. */
  readonly deprecations: string[];
}
