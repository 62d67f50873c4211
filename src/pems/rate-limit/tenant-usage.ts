/** A PEMS tenant's use of its rate limit, as the rate limiter's table (pems_rate_limits) holds it. */
export interface TenantUsage {
  /** Requests granted in the last 60 seconds (to the second), from every organization and instance. */
  lastMinute: number;
  /** Likewise in the last 10 seconds. */
  lastTenSeconds: number;
  /** The end of a tenant-wide Retry-After pause; null when none holds now. */
  retryAfterUntil: Date | null;
}

interface Queryable {
  query(sql: string, parameters: unknown[]): Promise<unknown>;
}

/**
 * Reads a tenant's usage on the caller's connection (the API's pool: the limiter's own
 * connections are kept for grants). Every PEMS request (reads, writes, grid pages) passes a
 * grant first, and the database adds each grant statement's grants to the tenant's ring of
 * one-second counts (grants_per_second, migration WritesPauseAndAudit): a request is counted
 * when it is granted. A grant whose send was then abandoned (a process that stalled half a window)
 * counts too; that is rare and errs on the side of more.
 */
export async function readTenantUsage(database: Queryable, tenantKey: string): Promise<TenantUsage> {
  const rows = (await database.query(
    `SELECT CASE WHEN l.paused_until > clock_timestamp() THEN l.paused_until END AS retry_after_until,
            coalesce(sum(counted.c) FILTER (WHERE counted.age BETWEEN 0 AND 59), 0)::int AS last_minute,
            coalesce(sum(counted.c) FILTER (WHERE counted.age BETWEEN 0 AND 9), 0)::int AS last_ten_seconds
     FROM pems_rate_limits l
     LEFT JOIN LATERAL (
       -- Element i of the ring counts second grants_second - (60 - i).
       SELECT ring.c, floor(EXTRACT(EPOCH FROM clock_timestamp()))::bigint - l.grants_second + (60 - ring.i) AS age
       FROM unnest(l.grants_per_second) WITH ORDINALITY AS ring(c, i)
     ) counted ON true
     WHERE l.tenant_key = $1
     GROUP BY l.paused_until`,
    [tenantKey],
  )) as Array<{ retry_after_until: Date | null; last_minute: number; last_ten_seconds: number }>;
  const [row] = rows;
  return { lastMinute: row?.last_minute ?? 0, lastTenSeconds: row?.last_ten_seconds ?? 0, retryAfterUntil: row?.retry_after_until ?? null };
}
