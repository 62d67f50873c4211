import { randomUUID } from 'node:crypto';
import { PemsConnectionFactory } from '../../src/pems/pems-connection.factory';
import { PfaChangeCheck } from '../../src/pfa/change-check';
import { PfaModification } from '../../src/pfa/entities/pfa-modification.entity';
import { ClaimedItem, WriteQueueService } from '../../src/write-queue/write-queue.service';
import { BenchApp } from '../lib/app';
import { BenchContext, WriteSyncAnswer, httpJson } from '../lib/context';
import { connectServer, createModifications, tokenFor, vacuumAnalyze } from '../lib/fixtures';
import { ResourceUse, measureResources } from '../lib/resources';
import { ExplainResult, captureQueries, explain, isClaimStatement, releaseClaimed } from '../lib/sql-probes';
import { LatencySummary, preciseNow, round, summarize } from '../lib/stats';

export interface EnqueueResult {
  items: number;
  /** The timed POST /api/pems/write-sync of `items` pending modifications, ms (the first, the metric). */
  postMs: number;
  /** CPU of this process and of PostgreSQL during the first POST. */
  postResources: ResourceUse;
  /** The same again after putting everything back (warm). */
  repeatPostMs: number;
  queuedCount: number;
  jobId: string;
  /** The service's steps, timed one by one in a transaction that is rolled back, ms. */
  breakdownMs: Record<string, number>;
  /** WriteSyncService.revalidate alone for growing prefixes of the modifications: n -> ms. */
  revalidateScalingMs: Record<string, number>;
  /** WriteQueueService.claim(100) right after the first POST, before and after ANALYZE of pfa_write_queue (BENCH_STALE_CLAIM=1 only). */
  claimAfterBurst: ClaimAfterBurst | null;
}

interface ClaimAfterBurst {
  /** The first claim, planned with pfa_write_queue's statistics from before the 10,000 items arrived. */
  staleStatisticsMs: number;
  /** Five claims after ANALYZE pfa_write_queue. */
  analyzedMs: LatencySummary;
  /** EXPLAIN ANALYZE of each claim statement (WriteQueueService.claim may send more than one). */
  stalePlans: ExplainResult[];
  analyzedPlans: ExplainResult[];
}

/**
 * A burst of items arrives in a queue whose statistics say it holds almost no pending items
 * (autovacuum analyzes it only later): the claim as planned then, and after ANALYZE.
 */
async function claimAfterBurst(ctx: BenchContext, app: BenchApp): Promise<ClaimAfterBurst> {
  const queue = app.app.get(WriteQueueService);
  let claimed: ClaimedItem[] = [];
  const started = preciseNow();
  const captured = await captureQueries(async () => {
    ({ items: claimed } = await queue.claim('bench-burst', 100));
  });
  const staleStatisticsMs = preciseNow() - started;
  await releaseClaimed(queue, claimed);
  const claimQueries = captured.filter((query) => isClaimStatement(query.sql));
  if (claimQueries.length === 0) throw new Error('The claim statement was not seen');
  const stalePlans: ExplainResult[] = [];
  for (const [index, query] of claimQueries.entries()) {
    // The plan only: executing it again would cost as long as the claim just timed (tens of seconds at 10,000 items).
    stalePlans.push(await explain(ctx.db, `claim statement ${index + 1} right after the enqueue (statistics from before it; plan only)`, query, false));
  }
  await ctx.db.query('ANALYZE pfa_write_queue');
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const claimStarted = preciseNow();
    const { items } = await queue.claim('bench-burst', 100);
    times.push(preciseNow() - claimStarted);
    await releaseClaimed(queue, items);
  }
  const analyzedPlans: ExplainResult[] = [];
  for (const [index, query] of claimQueries.entries()) analyzedPlans.push(await explain(ctx.db, `claim statement ${index + 1} after ANALYZE pfa_write_queue`, query));
  return { staleStatisticsMs: round(staleStatisticsMs, 1), analyzedMs: summarize(times), stalePlans, analyzedPlans };
}

class Rollback extends Error {}

async function timed<T>(into: Record<string, number>, key: string, work: () => Promise<T>): Promise<T> {
  const started = preciseNow();
  const result = await work();
  into[key] = round(preciseNow() - started, 1);
  return result;
}

/**
 * 10,000 pending modifications (of 10,000 records) queued by one POST /api/pems/write-sync over
 * HTTP, on an instance whose worker is disabled (ENABLE_PEMS_WRITE_SYNC=false), so the time is
 * the enqueue only. Then the service's steps timed separately (rolled back), and a second POST,
 * which leaves the 10,000 pending queue items for the scale phase.
 */
export async function runEnqueue(ctx: BenchContext, app: BenchApp, items = 10_000): Promise<EnqueueResult> {
  const { db, principal, simulator } = ctx;
  await connectServer(app, principal, simulator.baseUrl, 10);
  const modificationIds = await createModifications(db, principal, { count: items, tag: 'enqueue' });
  if (modificationIds.length !== items) throw new Error(`Only ${modificationIds.length} records to modify, ${items} wanted`);
  await vacuumAnalyze(db);
  const token = await tokenFor(app, principal);
  const url = `${app.url}/api/pems/write-sync`;

  const post = async (): Promise<{ ms: number; answer: WriteSyncAnswer }> => {
    const started = preciseNow();
    const answer = await httpJson<WriteSyncAnswer>('POST', url, token, { organizationId: principal.organizationId });
    const ms = preciseNow() - started;
    if (answer.status !== 200 || answer.body.queuedCount !== items || !answer.body.jobId)
      throw new Error(`POST /api/pems/write-sync answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    return { ms, answer: answer.body };
  };
  const putBack = async (jobId: string) => {
    await db.query('DELETE FROM pfa_write_queue WHERE job_id = $1', [jobId]);
    await db.query(`UPDATE pfa_modification SET status = 'pending' WHERE id = ANY($1::uuid[])`, [modificationIds]);
    await vacuumAnalyze(db);
  };

  const stopMeasuring = measureResources();
  const first = await post();
  const postResources = stopMeasuring();
  ctx.log(`  enqueue: ${items} modifications queued by one POST in ${round(first.ms, 1)} ms`);
  // Opt-in: with 10,000 pending items and statistics from before them, this one claim takes tens of seconds.
  const burst = process.env.BENCH_STALE_CLAIM === '1' ? await claimAfterBurst(ctx, app) : null;
  if (burst) ctx.log(`  enqueue: claim(100) right after it ${burst.staleStatisticsMs} ms; after ANALYZE p50 ${burst.analyzedMs.p50} ms`);
  await putBack(first.answer.jobId!);

  // The same work step by step through the public collaborators POST /api/pems/write-sync uses,
  // in one transaction that is then rolled back.
  const queue = app.app.get(WriteQueueService);
  const changeCheck = app.app.get(PfaChangeCheck);
  const breakdownMs: Record<string, number> = {};
  const revalidateScalingMs: Record<string, number> = {};
  await app.dataSource
    .transaction(async (manager) => {
      const { server } = await timed(breakdownMs, 'connections.forOrganization', () =>
        app.app.get(PemsConnectionFactory).forOrganization(principal.organizationId, { forWriting: true }),
      );
      const modifications = await timed(breakdownMs, 'the pending modifications and their records (10,000)', () =>
        manager
          .getRepository(PfaModification)
          .find({ where: { organizationId: principal.organizationId, status: 'pending' }, relations: { record: true }, order: { createdAt: 'ASC' } }),
      );
      const revalidate = (some: PfaModification[]) =>
        some.flatMap((modification) => changeCheck.check(modification.record!.data, modification.changes, { noChange: 'allowed' }).errors);
      const errors = await timed(breakdownMs, 'PfaChangeCheck (10,000)', async () => revalidate(modifications));
      if (errors.length > 0) throw new Error(`the change check found ${errors.length} errors, first: ${JSON.stringify(errors[0])}`);
      for (const n of [1250, 2500, 5000, 10_000]) {
        const started = preciseNow();
        revalidate(modifications.slice(0, n));
        revalidateScalingMs[String(n)] = round(preciseNow() - started, 1);
      }
      await timed(breakdownMs, 'queue.enqueue (INSERT … SELECT, UPDATE, NOTIFY)', () =>
        queue.enqueue(manager, { organizationId: principal.organizationId, modificationIds: modifications.map((m) => m.id), priority: 5, jobId: randomUUID() }),
      );
      await timed(breakdownMs, 'backlog count', () => queue.liveItemsOfTenant(manager, server.tenantKey));
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  await vacuumAnalyze(db);

  const second = await post();
  ctx.log(`  enqueue: again (warm) in ${round(second.ms, 1)} ms; breakdown ${JSON.stringify(breakdownMs)}`);
  return {
    items,
    postMs: round(first.ms, 1),
    postResources,
    repeatPostMs: round(second.ms, 1),
    queuedCount: second.answer.queuedCount,
    jobId: second.answer.jobId!,
    breakdownMs,
    revalidateScalingMs,
    claimAfterBurst: burst,
  };
}
