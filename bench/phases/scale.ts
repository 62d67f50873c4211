import { ClaimedItem, WriteQueueService } from '../../src/write-queue/write-queue.service';
import { BenchApp, bootApp } from '../lib/app';
import { BenchContext, httpJson, waitForJob } from '../lib/context';
import { connectServer, tokenFor } from '../lib/fixtures';
import { ResourceUse, measureResources } from '../lib/resources';
import { ExplainResult, captureQueries, explain, isClaimStatement, releaseClaimed } from '../lib/sql-probes';
import { ClaimStats, PoolStats, recordClaims, samplePool } from '../lib/worker-probes';
import { LatencySummary, preciseNow, round, summarize } from '../lib/stats';

export interface ScaleResult {
  totalRows: number;
  pendingRows: number;
  completedLast24h: number;
  insertSeconds: number;
  statusMs: LatencySummary;
  claimMs: LatencySummary;
  claimedPerCall: number;
  /** The status endpoint's database statements alone (timed on the harness connection), ms. */
  statusSqlMs: Record<string, LatencySummary>;
  explains: ExplainResult[];
  drain: {
    items: number;
    seconds: number;
    itemsPerSecond: number;
    rssBeforeBootMb: number;
    rssAfterDrainMb: number;
    heapUsedAfterDrainMb: number;
    externalAfterDrainMb: number;
    resources: ResourceUse;
    cpuPerItemMs: { node: number; postgres: number | null };
    statementsPerItem: number;
    statementKinds: Array<{ statement: string; perItem: number }>;
    claims: ClaimStats;
    pool: PoolStats;
  } | null;
}

const MB = 1024 * 1024;

/**
 * pfa_write_queue at a million rows: the 10,000 pending items of the enqueue phase plus 990,000
 * completed (1% failed) items spread over the last 7 days, sharing the queued modifications
 * (the unique index covers live items only). Then GET /api/pems/sync-status and
 * WriteQueueService.claim(100) latencies on the worker-less instance, EXPLAIN ANALYZE of
 * both, and a drain of part of the backlog by a worker instance for its resident memory.
 */
export async function runScale(ctx: BenchContext, app: BenchApp, options: { enqueueJobId: string; totalRows: number; samples: number; drainItems: number }): Promise<ScaleResult> {
  const { db, principal } = ctx;
  const {
    rows: [{ pending }],
  } = await db.query<{ pending: number }>(`SELECT count(*)::int AS pending FROM pfa_write_queue WHERE status = 'pending'`);
  const extra = options.totalRows - (await db.query<{ count: number }>('SELECT count(*)::int AS count FROM pfa_write_queue')).rows[0].count;
  ctx.log(`  scale: inserting ${extra.toLocaleString('en')} completed/failed rows with generate_series…`);
  const insertStarted = preciseNow();
  await db.query(`DROP TABLE IF EXISTS bench_mods`);
  await db.query(
    `CREATE TEMP TABLE bench_mods AS
     SELECT row_number() OVER (ORDER BY q.seq) AS n, q.modification_id, q.pfa_id, q.payload
     FROM pfa_write_queue q WHERE q.organization_id = $1 AND q.status = 'pending'`,
    [principal.organizationId],
  );
  const {
    rows: [{ mods }],
  } = await db.query<{ mods: number }>('SELECT count(*)::int AS mods FROM bench_mods');
  await db.query(
    `INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload, status, priority, retry_count, max_retries,
                                  scheduled_at, last_attempt_at, completed_at, last_error, last_status_code, created_at)
     SELECT m.modification_id, $1, m.pfa_id, m.payload,
            CASE WHEN g % 100 = 0 THEN 'failed' ELSE 'completed' END, 5, CASE WHEN g % 100 = 0 THEN 3 ELSE 0 END, 3,
            ts.t - interval '3 seconds', ts.t - interval '150 milliseconds', ts.t,
            CASE WHEN g % 100 = 0 THEN 'PEMS UPDATE failed: 503 Service Unavailable (gave up after 3 retries)' END,
            CASE WHEN g % 100 = 0 THEN 503 ELSE 200 END, ts.t - interval '3 seconds'
     FROM generate_series(1, $2::int) g
     CROSS JOIN LATERAL (SELECT now() - (g::float8 / $2::int) * interval '7 days' AS t) ts
     JOIN bench_mods m ON m.n = (g % $3::int) + 1`,
    [principal.organizationId, extra, mods],
  );
  await db.query('VACUUM ANALYZE pfa_write_queue');
  const insertSeconds = (preciseNow() - insertStarted) / 1000;
  const {
    rows: [counts],
  } = await db.query<{ total: number; recent: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status IN ('completed', 'failed') AND completed_at > now() - interval '24 hours')::int AS recent FROM pfa_write_queue`,
  );
  ctx.log(`  scale: ${counts.total.toLocaleString('en')} rows (${pending} pending) after ${round(insertSeconds, 1)} s`);

  // GET /api/pems/sync-status
  const token = await tokenFor(app, principal);
  const statusUrl = `${app.url}/api/pems/sync-status?organizationId=${principal.organizationId}`;
  const statusOnce = async () => {
    const answer = await httpJson<{ totalQueued: number }>('GET', statusUrl, token);
    if (answer.status !== 200) throw new Error(`GET /api/pems/sync-status answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  for (let index = 0; index < 10; index += 1) await statusOnce();
  const statusTimes: number[] = [];
  for (let index = 0; index < options.samples; index += 1) {
    const started = preciseNow();
    await statusOnce();
    statusTimes.push(preciseNow() - started);
  }
  const statusQueries = await captureQueries(statusOnce);

  // The status statements alone, on the harness connection (no HTTP, no Nest, no pool).
  const statusSqlMs: Record<string, LatencySummary> = {};
  for (const [index, query] of statusQueries.entries()) {
    const times: number[] = [];
    for (let run = 0; run < 30; run += 1) {
      const started = preciseNow();
      await db.query(query.sql, query.params);
      times.push(preciseNow() - started);
    }
    statusSqlMs[`status query ${index + 1}`] = summarize(times.slice(5));
  }

  // WriteQueueService.claim(workerId, 100), each claim handed back at once (not timed).
  const queue = app.app.get(WriteQueueService);
  const release = (claimed: ClaimedItem[]) => releaseClaimed(queue, claimed);
  const claimTimes: number[] = [];
  let claimed = 0;
  for (let index = 0; index < options.samples + 10; index += 1) {
    const started = preciseNow();
    const { items } = await queue.claim('bench-claim', 100);
    const elapsed = preciseNow() - started;
    if (index >= 10) {
      claimTimes.push(elapsed);
      claimed += items.length;
    }
    await release(items);
  }
  const claimQueries = await captureQueries(async () => {
    const { items } = await queue.claim('bench-claim', 100);
    await release(items);
  });
  const claimStatements = claimQueries.filter((query) => isClaimStatement(query.sql));

  const explains: ExplainResult[] = [];
  for (const [index, query] of claimStatements.entries()) explains.push(await explain(db, `claim statement ${index + 1} of WriteQueueService.claim(100)`, query));
  for (const [index, query] of statusQueries.entries()) explains.push(await explain(db, `sync-status query ${index + 1}`, query));

  const result: ScaleResult = {
    totalRows: counts.total,
    pendingRows: pending,
    completedLast24h: counts.recent,
    insertSeconds: round(insertSeconds, 1),
    statusMs: summarize(statusTimes),
    claimMs: summarize(claimTimes),
    claimedPerCall: round(claimed / claimTimes.length, 1),
    statusSqlMs,
    explains,
    drain: null,
  };
  ctx.log(`  scale: sync-status p50 ${result.statusMs.p50} ms, p95 ${result.statusMs.p95} ms; claim p50 ${result.claimMs.p50} ms, p95 ${result.claimMs.p95} ms`);
  return result;
}

/**
 * The worker's resident memory after draining `drainItems` of the 10,000 pending items of the
 * million-row queue, the limit lifted; the worker runs in a fresh app instance of this process.
 */
export async function runScaleDrain(ctx: BenchContext, workerless: BenchApp, result: ScaleResult, enqueueJobId: string, drainItems: number): Promise<BenchApp> {
  await connectServer(workerless, ctx.principal, ctx.simulator.baseUrl, 1000);
  await ctx.simulator.setRateLimit(null);
  await ctx.simulator.setFaults({});
  await workerless.close();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const worker = await bootApp('scale-worker', { ...ctx.appEnv, ENABLE_PEMS_WRITE_SYNC: 'true' }, ctx.logger);
  ctx.log(`  scale: worker instance draining ${drainItems} of the pending items…`);
  const stopMeasuring = measureResources();
  const stopRecordingClaims = recordClaims(worker);
  const stopSamplingPool = samplePool(worker);
  const kindsBefore = ctx.counter.snapshot();
  const statementsBefore = ctx.counter.read();
  const doneQuery = `SELECT count(*)::int AS done FROM pfa_write_queue WHERE job_id = $1 AND status = 'completed'`;
  const {
    rows: [{ done: doneBefore }],
  } = await ctx.db.query<{ done: number }>(doneQuery, [enqueueJobId]);
  await waitForJob(ctx.db, enqueueJobId, drainItems, 600_000, 'completed');
  const memory = process.memoryUsage();
  const resources = stopMeasuring();
  const claims = stopRecordingClaims();
  const pool = stopSamplingPool();
  const statements = ctx.counter.read() - statementsBefore;
  const {
    rows: [{ done: doneAfter }],
  } = await ctx.db.query<{ done: number }>(doneQuery, [enqueueJobId]);
  const measured = Math.max(1, doneAfter - doneBefore);
  const {
    rows: [timing],
  } = await ctx.db.query<{ first_ms: number; last_ms: number; done: number }>(
    `SELECT extract(epoch FROM min(last_attempt_at)) * 1000 AS first_ms, extract(epoch FROM max(completed_at)) * 1000 AS last_ms, count(*)::int AS done
     FROM pfa_write_queue WHERE job_id = $1 AND status = 'completed'`,
    [enqueueJobId],
  );
  const seconds = (Number(timing.last_ms) - Number(timing.first_ms)) / 1000;
  result.drain = {
    items: timing.done,
    seconds: round(seconds, 2),
    itemsPerSecond: round(timing.done / seconds, 1),
    rssBeforeBootMb: round(rssBefore / MB, 1),
    rssAfterDrainMb: round(memory.rss / MB, 1),
    heapUsedAfterDrainMb: round(memory.heapUsed / MB, 1),
    externalAfterDrainMb: round(memory.external / MB, 1),
    resources,
    cpuPerItemMs: {
      node: round(resources.nodeCpuMs / measured, 2),
      postgres: resources.postgresCpuMs === null ? null : round(resources.postgresCpuMs / measured, 2),
    },
    statementsPerItem: round(statements / measured, 1),
    statementKinds: ctx.counter.since(kindsBefore, measured),
    claims,
    pool,
  };
  ctx.log(`  scale: drained ${timing.done} at ${result.drain.itemsPerSecond} items/s; rss ${result.drain.rssAfterDrainMb} MB`);
  return worker;
}
