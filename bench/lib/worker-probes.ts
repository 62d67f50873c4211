import { Client } from 'pg';
import { WriteQueueService } from '../../src/write-queue/write-queue.service';
import { BenchApp } from './app';
import { LatencySummary, preciseNow, round, summarize } from './stats';

/** Probes on a running app instance's worker, installed on the instances (src is not changed). */

export interface ClaimStats {
  calls: number;
  itemsPerCall: number;
  /** Time of one claim, ms: all calls, and the calls in each fifth of the run (by start time). */
  ms: LatencySummary;
  meanMsByFifth: number[];
  itemsPerCallByFifth: number[];
  /** Database time for claims in all, seconds, and as a share of the run. */
  totalSeconds: number;
}

export interface PoolStats {
  samples: number;
  /** The app's pg pool (max 20): requests waiting for a connection, sampled every 20 ms. */
  waitingMean: number;
  waitingMax: number;
  /** Share of samples with every connection checked out. */
  saturatedShare: number;
}

/** Samples the app's TypeORM pg pool until the function returned is called. */
export function samplePool(app: BenchApp): () => PoolStats {
  const pool = (app.dataSource.driver as unknown as { master: { totalCount: number; idleCount: number; waitingCount: number; options: { max: number } } }).master;
  const waiting: number[] = [];
  let saturated = 0;
  const timer = setInterval(() => {
    waiting.push(pool.waitingCount);
    if (pool.totalCount - pool.idleCount >= pool.options.max) saturated += 1;
  }, 20);
  return () => {
    clearInterval(timer);
    return {
      samples: waiting.length,
      waitingMean: round(waiting.reduce((sum, value) => sum + value, 0) / Math.max(1, waiting.length), 1),
      waitingMax: Math.max(0, ...waiting),
      saturatedShare: round(saturated / Math.max(1, waiting.length), 2),
    };
  };
}

/** Times every WriteQueueService.claim of the app's worker until the function returned is called. */
export function recordClaims(app: BenchApp): () => ClaimStats {
  const queue = app.app.get(WriteQueueService);
  const original = queue.claim.bind(queue);
  const calls: Array<{ at: number; ms: number; items: number }> = [];
  (queue as unknown as { claim: WriteQueueService['claim'] }).claim = async (workerId, limit, onlyOrganizationId) => {
    const started = preciseNow();
    const claim = await original(workerId, limit, onlyOrganizationId);
    calls.push({ at: started, ms: preciseNow() - started, items: claim.items.length });
    return claim;
  };
  return () => {
    delete (queue as unknown as { claim?: unknown }).claim;
    const useful = calls.filter((call) => call.items > 0);
    const first = useful[0]?.at ?? 0;
    const span = (useful[useful.length - 1]?.at ?? 0) - first || 1;
    const fifths = [0, 1, 2, 3, 4].map((fifth) => useful.filter((call) => Math.min(4, Math.floor(((call.at - first) / span) * 5)) === fifth));
    return {
      calls: calls.length,
      itemsPerCall: round(calls.reduce((sum, call) => sum + call.items, 0) / Math.max(1, calls.length), 1),
      ms: summarize(calls.map((call) => call.ms)),
      meanMsByFifth: fifths.map((group) => round(group.reduce((sum, call) => sum + call.ms, 0) / Math.max(1, group.length), 1)),
      itemsPerCallByFifth: fifths.map((group) => round(group.reduce((sum, call) => sum + call.items, 0) / Math.max(1, group.length), 1)),
      totalSeconds: round(calls.reduce((sum, call) => sum + call.ms, 0) / 1000, 2),
    };
  };
}

export interface ActivityStats {
  samples: number;
  /** Per sample, on average: the app's backends by what they were doing (state / wait event / statement's first words). */
  meanBackends: Array<{ what: string; mean: number }>;
}

/**
 * Samples pg_stat_activity of the app's connections (application_name pems-sync) every 250 ms on
 * a connection of its own, until the function returned is called.
 */
export function sampleActivity(databaseUrl: string, exclude: (client: Client) => void): () => Promise<ActivityStats> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'pems-sync-bench-activity' });
  exclude(client);
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ what: string }>(
        `SELECT state || ' / ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU') || ' / ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 48) AS what
         FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pems-sync' AND state <> 'idle'`,
      );
      samples += 1;
      for (const row of rows) counts.set(row.what, (counts.get(row.what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return async () => {
    stopped = true;
    await loop.catch(() => undefined);
    await client.end().catch(() => undefined);
    return {
      samples,
      meanBackends: [...counts.entries()]
        .map(([what, count]) => ({ what, mean: round(count / Math.max(1, samples), 2) }))
        .sort((a, b) => b.mean - a.mean)
        .slice(0, 15),
    };
  };
}
