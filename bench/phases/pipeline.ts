import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import { DataSource, In } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { PemsApiError } from '../../src/pems/client/pems-api.error';
import { PemsConnection } from '../../src/pems/client/pems-client.types';
import { PemsClient } from '../../src/pems/client/pems.client';
import { PemsConnectionFactory } from '../../src/pems/pems-connection.factory';
import { PfaRecord } from '../../src/pfa/entities/pfa-record.entity';
import { PfaMirrorService } from '../../src/pfa/pfa-mirror.service';
import { PfaData } from '../../src/validation/pfa-fields';
import { PfaWriteQueueItem } from '../../src/write-queue/entities/pfa-write-queue.entity';
import { WriteQueueService } from '../../src/write-queue/write-queue.service';
import { WriteItemProcessor } from '../../src/write-sync/write-item.processor';
import { BenchApp } from '../lib/app';
import { BenchContext, WriteSyncAnswer, httpJson, waitForJob, workerConcurrency } from '../lib/context';
import { connectServer, createModifications, tokenFor, vacuumAnalyze } from '../lib/fixtures';
import { ResourceUse, measureResources } from '../lib/resources';
import { ActivityStats, ClaimStats, PoolStats, recordClaims, sampleActivity, samplePool } from '../lib/worker-probes';
import { round } from '../lib/stats';

const LIFTED_RATE = 1000;
const PGBOSS_SCHEMA = 'pgboss_bench';
const PGBOSS_LOCK_OWNER = 'pgboss-baseline';

export interface ThroughputResult {
  label: string;
  /** Not a baseline (excluded from the ratio). */
  diagnostic?: boolean;
  items: number;
  completed: number;
  failed: number;
  /** First claim (or pg-boss fetch) to the last completion, seconds, on the database's clock. */
  seconds: number;
  itemsPerSecond: number;
  /** Items/s over the last 60% of the completions (after any slow start). */
  steadyItemsPerSecond: number;
  /** Claim -> completion of one item, ms (our worker: last_attempt_at -> completed_at). */
  itemLatencyP50Ms: number | null;
  itemLatencyP95Ms: number | null;
  /** UPDATEs the simulator received, and how many it answered 200. */
  simulatorUpdates: number;
  simulatorOk: number;
  /** Statements this process sent to PostgreSQL during the run, per item. */
  statementsPerItem: number;
  /** The most frequent statements per item. */
  statementKinds: Array<{ statement: string; perItem: number }>;
  /** CPU of this process and the machine, and the event loop's delay, over the run. */
  resources: ResourceUse;
  /** CPU per item, ms: this process (app, worker, pg-boss, harness), the PostgreSQL server, the simulator child. */
  cpuPerItemMs: { node: number; postgres: number | null; simulator: number | null };
  /** The app's rate limiter: reservations per item (more than 1 = slots given up by late wakers). */
  rateLimitReservationsPerItem: number;
  settings: Record<string, unknown>;
  /** Our worker only: WriteQueueService.claim as the worker called it during the run. */
  claims?: ClaimStats;
  pool?: PoolStats;
  /** What the app's database sessions were doing, sampled from pg_stat_activity. */
  activity?: ActivityStats;
  /**
   * The claim statements' plans (EXPLAIN, not executed) just after the POST, i.e. with
   * pfa_write_queue's statistics from before the burst, and when autovacuum next analyzed the
   * table, in seconds after the first claim (null: not during the run).
   */
  claimPlansAtStart?: Array<{ sql: string; plan: string[] }>;
  autoAnalyzeAfterSeconds?: number | null;
}

export interface PipelineResult {
  /** The better of our two runs (one before the pg-boss runs, one after). */
  ours: ThroughputResult;
  oursRuns: ThroughputResult[];
  pgBoss: ThroughputResult[];
  bestPgBoss: ThroughputResult | null;
  ratio: number | null;
}

/** Items/s from the 40th-percentile completion to the last, from the queue rows' completed_at. */
async function steadyRate(db: BenchContext['db'], jobId: string): Promise<number> {
  const {
    rows: [row],
  } = await db.query<{ from_ms: number; to_ms: number; n: number }>(
    `SELECT extract(epoch FROM percentile_disc(0.4) WITHIN GROUP (ORDER BY completed_at)) * 1000 AS from_ms,
            extract(epoch FROM max(completed_at)) * 1000 AS to_ms, count(*)::int AS n
     FROM pfa_write_queue WHERE job_id = $1 AND status = 'completed'`,
    [jobId],
  );
  return round((row.n * 0.6) / ((Number(row.to_ms) - Number(row.from_ms)) / 1000), 1);
}

function perItem(resources: ResourceUse, items: number): ThroughputResult['cpuPerItemMs'] {
  return {
    node: round(resources.nodeCpuMs / items, 2),
    postgres: resources.postgresCpuMs === null ? null : round(resources.postgresCpuMs / items, 2),
    simulator: resources.simulatorCpuMs === null ? null : round(resources.simulatorCpuMs / items, 2),
  };
}

function reservations(kinds: Array<{ statement: string; perItem: number }>): number {
  return kinds.filter((kind) => kind.statement.startsWith('INSERT INTO pems_rate_limits')).reduce((sum, kind) => sum + kind.perItem, 0);
}

async function simulatorCounts(ctx: BenchContext): Promise<{ updates: number; ok: number }> {
  const log = await ctx.simulator.getLog();
  const updates = log.filter((entry) => entry.action === 'UPDATE');
  return { updates: updates.length, ok: updates.filter((entry) => entry.status === 200).length };
}

/** The figures every throughput run reports, ours and pg-boss's alike. */
async function runFigures(
  ctx: BenchContext,
  run: {
    jobId: string;
    items: number;
    completed: number;
    failed: number;
    seconds: number;
    timing: { p50: number; p95: number };
    sim: { updates: number; ok: number };
    statements: number;
    kindsBefore: ReturnType<BenchContext['counter']['snapshot']>;
    resources: ResourceUse;
  },
) {
  const { items, completed, resources } = run;
  return {
    items,
    completed,
    failed: run.failed,
    seconds: round(run.seconds, 3),
    itemsPerSecond: round(completed / run.seconds, 1),
    steadyItemsPerSecond: await steadyRate(ctx.db, run.jobId),
    itemLatencyP50Ms: round(Number(run.timing.p50), 1),
    itemLatencyP95Ms: round(Number(run.timing.p95), 1),
    simulatorUpdates: run.sim.updates,
    simulatorOk: run.sim.ok,
    statementsPerItem: round(run.statements / items, 1),
    statementKinds: ctx.counter.since(run.kindsBefore, items),
    resources,
    cpuPerItemMs: perItem(resources, items),
    rateLimitReservationsPerItem: reservations(ctx.counter.since(run.kindsBefore, items, 1000)),
  };
}

/** Our worker: POST /api/pems/write-sync of `items` modifications, then first claim to all completed. */
async function runOurs(ctx: BenchContext, app: BenchApp, items: number): Promise<ThroughputResult> {
  const { db, principal, simulator } = ctx;
  await createModifications(db, principal, { count: items, tag: `pipe-ours-${Date.now()}` });
  await vacuumAnalyze(db);
  await simulator.clearLog();
  const token = await tokenFor(app, principal);
  const statementsBefore = ctx.counter.read();
  const kindsBefore = ctx.counter.snapshot();
  const stopRecordingClaims = recordClaims(app);
  const stopSamplingPool = samplePool(app);
  const stopSamplingActivity = sampleActivity(ctx.databaseUrl, (client) => ctx.counter.exclude(client));
  const stopMeasuring = measureResources();
  const answer = await httpJson<WriteSyncAnswer>('POST', `${app.url}/api/pems/write-sync`, token, { organizationId: principal.organizationId });
  if (answer.status !== 200 || answer.body.queuedCount !== items || !answer.body.jobId)
    throw new Error(`POST /api/pems/write-sync answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const claimPlansAtStart: Array<{ sql: string; plan: string[] }> = [];
  for (const query of ctx.counter.recalled()) {
    const { rows: plan } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query.sql}`, query.params);
    claimPlansAtStart.push({ sql: query.sql.replace(/\s+/g, ' ').trim().slice(0, 200), plan: plan.map((row) => row['QUERY PLAN']) });
  }
  const { completed, failed } = await waitForJob(db, answer.body.jobId, items, 600_000);
  const resources = stopMeasuring();
  const claims = stopRecordingClaims();
  const pool = stopSamplingPool();
  const activity = await stopSamplingActivity();
  const statements = ctx.counter.read() - statementsBefore;
  const {
    rows: [timing],
  } = await db.query<{ first_ms: number; last_ms: number; p50: number; p95: number }>(
    `SELECT extract(epoch FROM min(last_attempt_at)) * 1000 AS first_ms, extract(epoch FROM max(completed_at)) * 1000 AS last_ms,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - last_attempt_at) * 1000) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - last_attempt_at) * 1000) AS p95
     FROM pfa_write_queue WHERE job_id = $1 AND status = 'completed'`,
    [answer.body.jobId],
  );
  const seconds = (Number(timing.last_ms) - Number(timing.first_ms)) / 1000;
  const sim = await simulatorCounts(ctx);
  const config = app.app.get(AppConfig);
  const {
    rows: [analyzed],
  } = await db.query<{ at_ms: number | null }>(`SELECT extract(epoch FROM last_autoanalyze) * 1000 AS at_ms FROM pg_stat_user_tables WHERE relname = 'pfa_write_queue'`);
  const autoAnalyzeAfterSeconds =
    analyzed.at_ms !== null && Number(analyzed.at_ms) >= Number(timing.first_ms) ? round((Number(analyzed.at_ms) - Number(timing.first_ms)) / 1000, 1) : null;
  return {
    label: 'pems-sync WriteSyncWorker',
    ...(await runFigures(ctx, { jobId: answer.body.jobId, items, completed, failed, seconds, timing, sim, statements, kindsBefore, resources })),
    settings: {
      concurrency: await workerConcurrency(app),
      PEMS_WRITE_SYNC_BATCH_SIZE: config.PEMS_WRITE_SYNC_BATCH_SIZE,
      PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN: config.PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN,
      rateLimitPerSecond: LIFTED_RATE,
      databasePool: 20,
    },
    claims,
    pool,
    activity,
    claimPlansAtStart,
    autoAnalyzeAfterSeconds,
  };
}

export interface PgBossConfig {
  key: string;
  /** Workers registered with boss.work() (pg-boss 11 calls this localConcurrency; pg-boss 10 has one fetch loop per work() call). */
  workers: number;
  batchSize: number;
  pollingIntervalSeconds: number;
  /** Call boss.notifyWorker(id) after a handled batch, so the worker fetches again at once instead of waiting for its polling interval. */
  notifyAfterBatch: boolean;
  /**
   * Diagnostic, not a baseline: the handler runs our own WriteItemProcessor.process on each item
   * instead of the minimal send-and-complete, so the difference to our worker is the claim loop alone.
   */
  ourProcessor?: boolean;
}

export const PGBOSS_CONFIGS: Record<string, PgBossConfig> = {
  poll: { key: 'poll', workers: 64, batchSize: 1, pollingIntervalSeconds: 0.5, notifyAfterBatch: false },
  notify: { key: 'notify', workers: 64, batchSize: 1, pollingIntervalSeconds: 0.5, notifyAfterBatch: true },
  batch: { key: 'batch', workers: 1, batchSize: 64, pollingIntervalSeconds: 0.5, notifyAfterBatch: true },
  processor: { key: 'processor', workers: 1, batchSize: 64, pollingIntervalSeconds: 0.5, notifyAfterBatch: true, ourProcessor: true },
};

interface BaselineJob {
  queueItemId: string;
  leaseToken: string;
  modificationId: string;
  pfaId: string;
  baseVersion: number;
  changes: PfaData;
}

/**
 * The pg-boss 10 baseline: the same 5,000 writes as jobs of a pg-boss queue. Each job makes the
 * same PEMS call through the app's PemsClient (and so the same PostgreSQL rate limiter),
 * then marks the same rows done in one transaction, as WriteOutcomes.completed does (WriteQueueService.completeAll): the
 * queue row completed (conditional on the lease), the modification synced, the mirror moved on
 * with its history snapshot. The queue rows are inserted as `processing`, leased to
 * "pgboss-baseline" for a day, so our idle worker never touches them.
 */
async function runPgBoss(ctx: BenchContext, app: BenchApp, boss: PgBoss, config: PgBossConfig, items: number): Promise<ThroughputResult> {
  const { db, principal } = ctx;
  const name = `pems-write-${config.key}`;
  await boss.createQueue(name);
  const modificationIds = await createModifications(db, principal, { count: items, tag: `pipe-boss-${config.key}-${Date.now()}`, status: 'syncing' });
  const jobId = randomUUID();
  const { rows } = await db.query<{ id: string; lease_token: string; modification_id: string; pfa_id: string; payload: { changes: PfaData; baseVersion: number } }>(
    `INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload, status, priority, max_retries, job_id, locked_by, lease_token, locked_until, last_attempt_at)
     SELECT m.id, m.organization_id, r.pfa_id, jsonb_build_object('changes', m.changes, 'baseVersion', m.base_version), 'processing', 5, 3, $2, $3,
            gen_random_uuid(), now() + interval '1 day', now()
     FROM pfa_modification m JOIN pfa_records r ON r.id = m.record_id
     WHERE m.id = ANY($1::uuid[]) ORDER BY r.pfa_id
     RETURNING id, lease_token, modification_id, pfa_id, payload`,
    [modificationIds, jobId, PGBOSS_LOCK_OWNER],
  );
  const jobs: BaselineJob[] = rows.map((row) => ({
    queueItemId: row.id,
    leaseToken: row.lease_token,
    modificationId: row.modification_id,
    pfaId: row.pfa_id,
    baseVersion: row.payload.baseVersion,
    changes: row.payload.changes,
  }));
  const pemsVersion = await ctx.simulator.recordVersion('BENCH', jobs[0].pfaId);
  if (pemsVersion !== jobs[0].baseVersion) throw new Error(`${jobs[0].pfaId}: the job is based on version ${jobs[0].baseVersion}, PEMS holds ${pemsVersion}`);
  // Statistics as our worker's run has them: taken before the burst arrives.
  await vacuumAnalyze(db);
  await db.query(`ANALYZE ${PGBOSS_SCHEMA}.job`);
  await boss.insert(jobs.map((data) => ({ name, data, retryLimit: 0 })));
  await ctx.simulator.clearLog();

  const client = app.app.get(PemsClient);
  const mirror = app.app.get(PfaMirrorService);
  const queue = app.app.get(WriteQueueService);
  const dataSource = app.app.get(DataSource);
  const { connection } = await app.app.get(PemsConnectionFactory).forOrganization(principal.organizationId, { forWriting: true });
  const handlerErrors: string[] = [];
  const processor = app.app.get(WriteItemProcessor);
  const itemRepository = dataSource.getRepository(PfaWriteQueueItem);
  const processJob = async (job: BaselineJob, conn: PemsConnection): Promise<void> => {
    const stored = await sendUnlessNotSent(() => client.updateRecord(conn, job.pfaId, job.baseVersion, job.changes));
    await dataSource.transaction(async (manager) => {
      // The same completion our worker writes (item completed on its lease, modification synced), through the queue's own transition.
      const item = Object.assign(new PfaWriteQueueItem(), { id: job.queueItemId, leaseToken: job.leaseToken, resendCount: 0 });
      const done = await queue.completeAll(manager, [{ item, statusCode: 200 }]);
      if (!done.has(job.queueItemId)) throw new Error(`queue item ${job.queueItemId} was not ours to complete`);
      await mirror.applyMany(principal.organizationId, [stored], 'write_sync', manager);
    });
  };

  // BENCH_PGBOSS_ROLLUP=off: the baseline's completions skip sync-status's per-minute counts (the
  // trigger that our worker's grouped completions pay once per group), the strictest comparison.
  const withoutRollup = process.env.BENCH_PGBOSS_ROLLUP === 'off';
  if (withoutRollup) await db.query('ALTER TABLE pfa_write_queue DISABLE TRIGGER pfa_write_sync_minutes_on_update');
  const statementsBefore = ctx.counter.read();
  const kindsBefore = ctx.counter.snapshot();
  const stopMeasuring = measureResources();
  const stopSamplingPool = samplePool(app);
  const workerIds: string[] = [];
  for (let index = 0; index < config.workers; index += 1) {
    let workerId = '';
    workerId = await boss.work<BaselineJob>(name, { batchSize: config.batchSize, pollingIntervalSeconds: config.pollingIntervalSeconds }, async (batch) => {
      try {
        if (config.ourProcessor) {
          const entities = await itemRepository.findBy({ id: In(batch.map((job) => job.data.queueItemId)) });
          const records = await dataSource.getRepository(PfaRecord).findBy({ organizationId: principal.organizationId, pfaId: In(entities.map((item) => item.pfaId)) });
          const mirrored = new Map(records.map((record) => [record.pfaId, record.version]));
          const outcomes = await Promise.all(await processor.begin(entities.map((item) => ({ item, mirroredVersion: mirrored.get(item.pfaId) ?? null }))));
          const unexpected = outcomes.filter((outcome) => outcome !== 'completed');
          if (unexpected.length > 0) throw new Error(`WriteItemProcessor answered ${unexpected.join(', ')}`);
        } else {
          await Promise.all(batch.map((job) => processJob(job.data, connection)));
        }
      } catch (error) {
        handlerErrors.push((error as Error).message);
        throw error;
      } finally {
        if (config.notifyAfterBatch && workerId) boss.notifyWorker(workerId);
      }
    });
    workerIds.push(workerId);
  }
  ctx.log(
    `  pg-boss "${config.key}": ${config.workers} worker(s) × batchSize ${config.batchSize}, polling ${config.pollingIntervalSeconds} s${config.notifyAfterBatch ? ', notifyWorker after each batch' : ''}…`,
  );
  // Done when pg-boss has ended every job (it completes a batch after the handler resolves, without waiting for it).
  const deadline = Date.now() + 300_000;
  let bossCompleted: number;
  let bossFailed: number;
  for (;;) {
    const {
      rows: [row],
    } = await db.query<{ completed: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE state = 'completed')::int AS completed, count(*) FILTER (WHERE state = 'failed')::int AS failed FROM ${PGBOSS_SCHEMA}.job WHERE name = $1`,
      [name],
    );
    bossCompleted = row.completed;
    bossFailed = row.failed;
    if (bossCompleted + bossFailed >= items) break;
    if (Date.now() > deadline) throw new Error(`pg-boss "${config.key}": ${bossCompleted} completed, ${bossFailed} failed of ${items} after 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const {
    rows: [itemCounts],
  } = await db.query<{ completed: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status <> 'completed')::int AS failed FROM pfa_write_queue WHERE job_id = $1`,
    [jobId],
  );
  const { completed, failed } = itemCounts;
  if (bossFailed > 0) throw new Error(`pg-boss "${config.key}": ${bossFailed} jobs failed, first handler error: ${handlerErrors[0]}`);
  const resources = stopMeasuring();
  const pool = stopSamplingPool();
  const statements = ctx.counter.read() - statementsBefore;
  await boss.offWork(name);
  if (withoutRollup) await db.query('ALTER TABLE pfa_write_queue ENABLE TRIGGER pfa_write_sync_minutes_on_update');
  const {
    rows: [timing],
  } = await db.query<{ first_ms: number; last_ms: number; p50: number; p95: number }>(
    `WITH boss AS (
       SELECT extract(epoch FROM min(started_on)) * 1000 AS first_ms, extract(epoch FROM max(completed_on)) * 1000 AS last_ms
       FROM ${PGBOSS_SCHEMA}.job WHERE name = $1
     ), item AS (
       SELECT extract(epoch FROM max(q.completed_at)) * 1000 AS last_ms,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM q.completed_at - j.started_on) * 1000) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM q.completed_at - j.started_on) * 1000) AS p95
       FROM pfa_write_queue q JOIN ${PGBOSS_SCHEMA}.job j ON j.name = $1 AND (j.data ->> 'queueItemId')::uuid = q.id
       WHERE q.job_id = $2
     )
     SELECT boss.first_ms, greatest(boss.last_ms, item.last_ms) AS last_ms, item.p50, item.p95 FROM boss, item`,
    [name, jobId],
  );
  const seconds = (Number(timing.last_ms) - Number(timing.first_ms)) / 1000;
  const sim = await simulatorCounts(ctx);
  if (handlerErrors.length > 0) ctx.log(`  pg-boss "${config.key}": ${handlerErrors.length} handler error(s), first: ${handlerErrors[0]}`);
  return {
    label: config.ourProcessor ? `pg-boss 10 "${config.key}" (diagnostic: our WriteItemProcessor)` : `pg-boss 10 "${config.key}"`,
    diagnostic: Boolean(config.ourProcessor),
    ...(await runFigures(ctx, { jobId, items, completed, failed, seconds, timing, sim, statements, kindsBefore, resources })),
    pool,
    settings: {
      ...config,
      inFlightMax: config.workers * config.batchSize,
      pgBossPool: 10,
      handlerPool: 'the app DataSource (20)',
      handlerErrors: handlerErrors.length,
      syncStatusRollup: !withoutRollup,
    },
  };
}

/**
 * The rate limit lifted (server rateLimitPerSecond 1000, simulator unlimited, no latency):
 * our worker on `items` writes, then the pg-boss baselines on the same records (fresh
 * modifications on the versions the mirror holds after the previous run).
 */
export async function runPipeline(ctx: BenchContext, app: BenchApp, items: number, configs: PgBossConfig[]): Promise<PipelineResult> {
  await connectServer(app, ctx.principal, ctx.simulator.baseUrl, LIFTED_RATE);
  await ctx.simulator.setRateLimit(null);
  await ctx.simulator.setFaults({});
  ctx.log(`  pipeline: our worker, ${items} items…`);
  const ours = await runOurs(ctx, app, items);
  ctx.log(`  pipeline: our worker ${ours.itemsPerSecond} items/s`);

  if (configs.length === 0) return { ours, oursRuns: [ours], pgBoss: [], bestPgBoss: null, ratio: null };
  const boss = new PgBoss({ connectionString: ctx.databaseUrl, schema: PGBOSS_SCHEMA, schedule: false, max: 10, application_name: 'pgboss-bench' });
  boss.on('error', (error) => ctx.logger.note(`pg-boss error: ${error.message}`));
  await boss.start();
  const pgBoss: ThroughputResult[] = [];
  try {
    for (const config of configs) {
      const result = await runPgBoss(ctx, app, boss, config, items);
      ctx.log(`  pg-boss "${config.key}": ${result.itemsPerSecond} items/s`);
      pgBoss.push(result);
    }
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 15_000 });
  }
  // Our worker once more, so that both sides had a run late in the phase (the machine's load varies).
  ctx.log(`  pipeline: our worker again, ${items} items…`);
  const oursAgain = await runOurs(ctx, app, items);
  ctx.log(`  pipeline: our worker ${oursAgain.itemsPerSecond} items/s`);
  const oursRuns = [ours, oursAgain];
  const bestOurs = oursAgain.itemsPerSecond > ours.itemsPerSecond ? oursAgain : ours;
  const baselines = pgBoss.filter((result) => !result.diagnostic);
  const bestPgBoss = baselines.length === 0 ? null : baselines.reduce((best, result) => (result.itemsPerSecond > best.itemsPerSecond ? result : best));
  return { ours: bestOurs, oursRuns, pgBoss, bestPgBoss, ratio: bestPgBoss ? round(bestOurs.itemsPerSecond / bestPgBoss.itemsPerSecond, 2) : null };
}

/**
 * A request the client could not even send (its connection was not up before its send slot
 * passed: with 64 sends in flight and the limit lifted, a socket can take that long) is sent
 * again at once, as our worker hands such an item back at no cost: the baseline is judged on
 * its throughput, not failed on a request PEMS never saw.
 */
async function sendUnlessNotSent<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      const notSent = error instanceof PemsApiError && error.status === null && /^PEMS UPDATE .* failed: not sent/.test(error.message);
      if (!notSent || attempt >= 5) throw error;
    }
  }
}
