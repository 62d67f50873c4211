import { generateSeedRecords } from '../../src/pems-simulator/pems-seed-data';
import { ClaimedItem, WriteQueueService } from '../../src/write-queue/write-queue.service';
import { mostInAnySecond, readRateLimit } from '../../src/pems-simulator/rate-limit-reading';
import { BenchApp } from '../lib/app';
import { AppInstanceProcess, AppInstanceStats, startAppInstanceProcess } from '../lib/app-instance-process';
import { BenchContext, WriteSyncAnswer, httpJson } from '../lib/context';
import { BENCH_PEMS_CREDENTIALS, BENCH_TENANT, BenchPrincipal, connectServer, createModifications, createPrincipal, mirrorRecords, tokenFor, vacuumAnalyze } from '../lib/fixtures';
import { DatabaseBackendsUse, ResourceUse, measureDatabaseBackends, measureResources } from '../lib/resources';
import { SimLogEntry } from '../lib/simulator-protocol';
import { CapturedQuery, captureQueries, explain, isClaimStatement, releaseClaimed } from '../lib/sql-probes';
import { preciseNow, round } from '../lib/stats';
import { formatTable } from '../lib/table';
import { ActivityStats, sampleActivity } from '../lib/worker-probes';

/** Every tenant's limit, at the simulator and in the app (pems_tenants). */
const RATE = 10;
/** The simulator answers after this, as in the drain phase. */
const LATENCY_MS = 20;
const TARGET_SHARE = 0.95;
/** After giving up on a run: how long the items already in flight get to finish before the data is reset. */
const SETTLE_MS = 30_000;
const QUEUEING = 'one POST /api/pems/write-sync per organization (each by its own planner), all fired at once; timed from the first POST sent';

export interface TenantsOptions {
  /** Tenant counts of the one-instance runs. */
  sweep: number[];
  editsPerTenant: number;
  /** Tenants of the two-instance run (0: none). */
  twoInstanceTenants: number;
  giveUpSeconds: number;
}

interface Tenant {
  index: number;
  /** Organization code, the simulator's organization. */
  code: string;
  /** The PEMS tenant (the API server's `tenant` header): one rate limit each. */
  tenant: string;
  credentials: { username: string; password: string };
  principal: BenchPrincipal;
  writeEnabled: boolean;
}

interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface TenantFigures {
  tenant: string;
  updates: number;
  /** (UPDATEs − 1) ÷ (its last − its first UPDATE), /s; null with fewer than two. */
  ratePerSecond: number | null;
  /** Its UPDATEs ÷ the whole drain (first to last UPDATE of any tenant), /s. */
  ratePerSecondOverDrain: number;
  /** Its first and last UPDATE, ms after the first POST was sent. */
  firstUpdateAfterMs: number | null;
  lastUpdateAfterMs: number | null;
  mostInAnySecond: number;
}

export interface TenantsRun {
  label: string;
  tenants: number;
  instances: number;
  editsPerTenant: number;
  items: number;
  /** First POST sent -> last POST answered, ms. */
  postsAnsweredMs: number;
  /** The run was cut off after giveUpSeconds: the figures are those of what drained by then. */
  gaveUp: boolean;
  giveUpSeconds: number;
  ended: number;
  completed: number;
  failed: number;
  /** First POST sent -> last item ended (or the give-up), s. */
  wallSeconds: number;
  /** First to last UPDATE at the simulator, any tenant, s. */
  drainSeconds: number;
  updates: number;
  acceptedUpdates: number;
  responses429: number;
  otherFailures: number;
  /** (all UPDATEs − 1) ÷ drainSeconds, and that as a share of the tenants' summed limits. */
  totalRequestsPerSecond: number;
  totalShareOfLimits: number;
  /**
   * All UPDATEs per second while every tenant was sending: from the last tenant's first UPDATE to
   * the first tenant's last (null when that span is under a second). The total above also counts
   * the start, when the 50 POSTs are still being answered and some tenants have not begun.
   */
  allSendingRequestsPerSecond: number | null;
  /** Over the tenants: their own rate (first to last UPDATE), a tenant without two UPDATEs as 0. */
  perTenantRate: Spread;
  /** Over the tenants: their UPDATEs over the whole drain (a tenant that waited for others is slow by this reading). */
  perTenantRateOverDrain: Spread;
  tenantsAtTarget: number;
  /** Tenants that got no UPDATE at all (a run cut off before their turn); their rates count as 0 above, their first UPDATE is left out below. */
  tenantsWithoutUpdates: number;
  /** Over the tenants: their first UPDATE, ms after the first POST. */
  firstUpdateAfterMs: Spread;
  /** The most requests of any one tenant within any sliding second, and the windows of RATE + 1 within one second (certainly / possibly, from the arrival-time uncertainty). */
  maxRequestsInAnySecond: number;
  certainBreaches: number;
  possibleBreaches: number;
  /** UPDATEs of a record and version that PEMS had already accepted (or not yet answered): the same write sent twice. */
  doubleSends: number;
  /** Records with more than one accepted UPDATE (each has one modification per run). */
  recordsAcceptedTwice: number;
  /** Accepted UPDATEs beyond the items. */
  acceptedBeyondItems: number;
  /** UPDATEs of a record and version sent again after PEMS refused it (429, 5xx): retries, not double sends. */
  resentAfterRefusal: number;
  /** Each instance's room for PEMS calls in flight (WriteSyncWorker.inFlightLimit). */
  inFlightLimits: number[];
  /**
   * CPU per ended item, ms: the app instances (each a child process, process.cpuUsage), this
   * database's PostgreSQL backends, the whole PostgreSQL server (other databases on it included),
   * the simulator's process, and the harness's process (with its worker-less instance).
   */
  cpuPerItemMs: { app: number; appByInstance: number[]; postgres: number | null; postgresServer: number | null; simulator: number | null; harness: number };
  resources: ResourceUse;
  postgresBackends: DatabaseBackendsUse | null;
  /** Statements the app instances' pg clients sent, per ended item: in all, per instance, and the most frequent. */
  statementsPerItem: number;
  statementsPerItemByInstance: number[];
  statementKinds: Array<{ statement: string; perItem: number }>;
  /** What the instances' database sessions were doing, sampled from pg_stat_activity every 250 ms. */
  activity: ActivityStats;
  /**
   * The claim statement's plan (EXPLAIN, not executed) once every POST was answered, i.e. with
   * pfa_write_queue's statistics from before the burst, and how it reads the backlog. A fresh
   * plan on the harness's connection: the worker's connections run the claim as a named prepared
   * statement and may hold another (see `activity` for the time its claims took). Then when
   * autovacuum next analyzed the table, in seconds after the first POST (null: not during the run).
   */
  claimPlanAfterQueueing: string[] | null;
  claimBacklogAccess: string | null;
  autoAnalyzeAfterSeconds: number | null;
  appLog: { warn: number; error: number };
  byTenant: TenantFigures[];
}

export interface TenantsResult {
  rateLimitPerSecond: number;
  simulatorLatencyMs: number;
  editsPerTenant: number;
  giveUpSeconds: number;
  queueing: string;
  instanceSetup: string;
  sweep: TenantsRun[];
  twoInstances: TenantsRun | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (index: number) => String(index).padStart(2, '0');

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { min: 0, median: 0, max: 0 };
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: round(sorted[0], 2), median: round(median, 2), max: round(sorted[sorted.length - 1], 2) };
}

/** Organizations BT01…, each with its planner and its API server on its own tenant of the simulator (write-disabled until a run needs it). */
async function createTenants(ctx: BenchContext, app: BenchApp, count: number): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  for (let index = 1; index <= count; index += 1) {
    const code = `BT${pad(index)}`;
    const tenant = `BENCH_TENANT_${pad(index)}`;
    const credentials = { username: `svc-bt${pad(index)}`, password: `bench-pems-password-${pad(index)}` };
    await ctx.simulator.setCredentials(tenant, credentials);
    const principal = await createPrincipal(ctx.db, { code, name: `Benchmark tenant ${pad(index)}`, username: `bench-planner-bt${pad(index)}` });
    await connectServer(app, principal, ctx.simulator.baseUrl, RATE, { tenant, credentials, writeEnabled: false });
    tenants.push({ index, code, tenant, credentials, principal, writeEnabled: false });
  }
  return tenants;
}

/**
 * The first `count` organizations' servers write-enabled, the others not: the worker sizes its
 * room for calls in flight on the write-enabled servers' tenants, so a run of N tenants is a
 * deployment of N tenants.
 */
async function enableFirst(ctx: BenchContext, app: BenchApp, tenants: Tenant[], count: number): Promise<void> {
  for (const tenant of tenants) {
    const wanted = tenant.index <= count;
    if (tenant.writeEnabled === wanted) continue;
    await connectServer(app, tenant.principal, ctx.simulator.baseUrl, RATE, { tenant: tenant.tenant, credentials: tenant.credentials, writeEnabled: wanted });
    tenant.writeEnabled = wanted;
  }
}

/**
 * Every benchmark tenant's records go (with their modifications, queue items and history, by
 * cascade) and so do the rate limiter's rows; then the active tenants get `edits` fresh records
 * in the simulator and the mirror, at the same versions, and one pending modification each.
 */
async function resetData(ctx: BenchContext, app: BenchApp, tenants: Tenant[], active: Tenant[], edits: number, tag: string): Promise<void> {
  await ctx.db.query('DELETE FROM pfa_records WHERE organization_id = ANY($1::uuid[])', [tenants.map((tenant) => tenant.principal.organizationId)]);
  await ctx.db.query('DELETE FROM pems_rate_limits');
  for (const tenant of active) {
    const seed = 2026 + tenant.index;
    await ctx.simulator.seed(tenant.code, edits, { seed });
    const records = generateSeedRecords(tenant.code, edits, { seed });
    await mirrorRecords(app, tenant.principal, records);
    const last = records[records.length - 1];
    if ((await ctx.simulator.recordVersion(tenant.code, last.pfaId)) !== last.recordid)
      throw new Error(`${tenant.code}: the simulator and the mirror do not hold the same records`);
    const created = await createModifications(ctx.db, tenant.principal, { count: edits, tag });
    if (created.length !== edits) throw new Error(`${tenant.code}: ${created.length} modifications made, ${edits} wanted`);
  }
}

async function queueProgress(ctx: BenchContext, organizationIds: string[]): Promise<{ ended: number; completed: number; failed: number; lastEndedMs: number | null }> {
  const {
    rows: [row],
  } = await ctx.db.query<{ ended: number; completed: number; failed: number; last_ended_ms: number | null }>(
    `SELECT count(*) FILTER (WHERE status IN ('completed', 'failed', 'cancelled'))::int AS ended, count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status = 'failed')::int AS failed, extract(epoch FROM max(completed_at)) * 1000 AS last_ended_ms
     FROM pfa_write_queue WHERE organization_id = ANY($1::uuid[])`,
    [organizationIds],
  );
  return { ended: row.ended, completed: row.completed, failed: row.failed, lastEndedMs: row.last_ended_ms === null ? null : Number(row.last_ended_ms) };
}

/**
 * The worker's claim statement and its parameters, from a claim of one item made through the
 * worker-less instance while nothing is due (anything it did claim is handed back at once).
 */
async function claimStatement(app: BenchApp): Promise<CapturedQuery | null> {
  const queue = app.app.get(WriteQueueService);
  let claimed: ClaimedItem[] = [];
  const captured = await captureQueries(async () => {
    ({ items: claimed } = await queue.claim('bench-tenants-plan', 1));
  });
  await releaseClaimed(queue, claimed);
  return captured.find((query) => isClaimStatement(query.sql)) ?? null;
}

/** How the plan's backlog pass reads pfa_write_queue: its first scan line after "CTE backlog" (or the backlog subquery). */
function backlogAccess(plan: string[]): string | null {
  // The backlog's scan: its own CTE before the claim shared tenants, a subquery of each organization's scan since.
  const start = plan.findIndex((line) => line.trim() === 'CTE backlog' || /Subquery Scan on backlog\b/.test(line));
  const scan = plan.slice(start + 1).find((line) => /Scan .*on pfa_write_queue/.test(line));
  return start < 0 || !scan ? null : scan.replace(/\s*\(cost=.*$/, '').replace(/^[\s->]+/, '');
}

async function autoAnalyzedAfter(ctx: BenchContext, since: number): Promise<number | null> {
  const {
    rows: [row],
  } = await ctx.db.query<{ at_ms: number | null }>(`SELECT extract(epoch FROM last_autoanalyze) * 1000 AS at_ms FROM pg_stat_user_tables WHERE relname = 'pfa_write_queue'`);
  return row.at_ms !== null && Number(row.at_ms) >= since ? round((Number(row.at_ms) - since) / 1000, 1) : null;
}

/** After a give-up: the pending items go, so that the workers stop, and the items in flight finish. */
async function stopDraining(ctx: BenchContext, organizationIds: string[]): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    await ctx.db.query(`DELETE FROM pfa_write_queue WHERE organization_id = ANY($1::uuid[]) AND status = 'pending'`, [organizationIds]);
    const {
      rows: [{ processing }],
    } = await ctx.db.query<{ processing: number }>(`SELECT count(*)::int AS processing FROM pfa_write_queue WHERE organization_id = ANY($1::uuid[]) AND status = 'processing'`, [
      organizationIds,
    ]);
    if (processing === 0) return;
    if (Date.now() > deadline) throw new Error(`${processing} items still processing ${SETTLE_MS} ms after giving up`);
    await sleep(250);
  }
}

/** The simulator's log read per tenant: rates, the densest second, and whether any write went twice. */
function readLog(log: SimLogEntry[], active: Tenant[], queuedAt: number, items: number) {
  const names = new Set(active.map((tenant) => tenant.tenant));
  const entries = log.filter((entry) => entry.tenant !== null && names.has(entry.tenant)).sort((a, b) => a.at - b.at);
  const updates = entries.filter((entry) => entry.action === 'UPDATE');
  const first = updates[0]?.at ?? queuedAt;
  const last = updates[updates.length - 1]?.at ?? queuedAt;
  const drainSeconds = (last - first) / 1000;

  let certainBreaches = 0;
  let possibleBreaches = 0;
  const byTenant: TenantFigures[] = active.map((tenant) => {
    const requests = entries.filter((entry) => entry.tenant === tenant.tenant);
    const times = requests.filter((entry) => entry.action === 'UPDATE').map((entry) => entry.at);
    const reading = readRateLimit(requests, RATE);
    certainBreaches += reading.certainBreaches;
    possibleBreaches += reading.possibleBreaches;
    const span = times.length >= 2 ? (times[times.length - 1] - times[0]) / 1000 : 0;
    return {
      tenant: tenant.tenant,
      updates: times.length,
      ratePerSecond: span > 0 ? round((times.length - 1) / span, 3) : null,
      ratePerSecondOverDrain: drainSeconds > 0 ? round(times.length / drainSeconds, 3) : 0,
      firstUpdateAfterMs: times.length > 0 ? round(times[0] - queuedAt, 1) : null,
      lastUpdateAfterMs: times.length > 0 ? round(times[times.length - 1] - queuedAt, 1) : null,
      mostInAnySecond: mostInAnySecond(requests.map((entry) => entry.at)),
    };
  });

  // A write is the organization's record at the version it was based on.
  const answered = new Map<string, Array<number | null>>();
  const acceptedPerRecord = new Map<string, number>();
  let doubleSends = 0;
  let resentAfterRefusal = 0;
  for (const entry of updates) {
    const key = `${entry.organization}|${entry.pfaId}|${entry.recordid}`;
    const earlier = answered.get(key) ?? [];
    if (earlier.some((status) => status === 200 || status === null)) doubleSends += 1;
    else if (earlier.length > 0) resentAfterRefusal += 1;
    answered.set(key, [...earlier, entry.status]);
    if (entry.status === 200) acceptedPerRecord.set(`${entry.organization}|${entry.pfaId}`, (acceptedPerRecord.get(`${entry.organization}|${entry.pfaId}`) ?? 0) + 1);
  }
  const acceptedUpdates = updates.filter((entry) => entry.status === 200).length;
  const totalRequestsPerSecond = drainSeconds > 0 ? (updates.length - 1) / drainSeconds : 0;
  const ownRates = byTenant.map((figures) => figures.ratePerSecond ?? 0);
  const allSendingFrom = Math.max(...byTenant.map((figures) => figures.firstUpdateAfterMs ?? Infinity)) + queuedAt;
  const allSendingTo = Math.min(...byTenant.map((figures) => figures.lastUpdateAfterMs ?? -Infinity)) + queuedAt;
  const allSendingSeconds = (allSendingTo - allSendingFrom) / 1000;
  const allSending = allSendingSeconds >= 1 ? updates.filter((entry) => entry.at >= allSendingFrom && entry.at <= allSendingTo).length : 0;
  return {
    allSendingRequestsPerSecond: allSendingSeconds >= 1 ? round((allSending - 1) / allSendingSeconds, 2) : null,
    drainSeconds: round(drainSeconds, 3),
    updates: updates.length,
    acceptedUpdates,
    responses429: entries.filter((entry) => entry.status === 429).length,
    otherFailures: entries.filter((entry) => entry.status !== null && entry.status !== 200 && entry.status !== 429).length,
    totalRequestsPerSecond: round(totalRequestsPerSecond, 2),
    totalShareOfLimits: round(totalRequestsPerSecond / (RATE * active.length), 4),
    perTenantRate: spread(ownRates),
    perTenantRateOverDrain: spread(byTenant.map((figures) => figures.ratePerSecondOverDrain)),
    tenantsAtTarget: ownRates.filter((rate) => rate >= RATE * TARGET_SHARE).length,
    tenantsWithoutUpdates: byTenant.filter((figures) => figures.updates === 0).length,
    firstUpdateAfterMs: spread(byTenant.map((figures) => figures.firstUpdateAfterMs ?? Infinity).filter(Number.isFinite)),
    maxRequestsInAnySecond: Math.max(0, ...byTenant.map((figures) => figures.mostInAnySecond)),
    certainBreaches,
    possibleBreaches,
    doubleSends,
    recordsAcceptedTwice: [...acceptedPerRecord.values()].filter((count) => count > 1).length,
    acceptedBeyondItems: Math.max(0, acceptedUpdates - items),
    resentAfterRefusal,
    byTenant,
  };
}

/** The instances' work between two readings of their stats. */
function instanceWork(before: AppInstanceStats[], after: AppInstanceStats[], items: number) {
  const kinds = new Map<string, number>();
  for (const [index, stats] of after.entries()) {
    const earlier = new Map(before[index].statementKinds);
    for (const [kind, count] of stats.statementKinds) {
      const added = count - (earlier.get(kind) ?? 0);
      if (added > 0) kinds.set(kind, (kinds.get(kind) ?? 0) + added);
    }
  }
  const cpuMs = after.map((stats, index) => stats.cpuMs - before[index].cpuMs);
  const statements = after.map((stats, index) => stats.statements - before[index].statements);
  return {
    cpuMs,
    statements,
    statementKinds: [...kinds.entries()]
      .map(([statement, count]) => ({ statement, perItem: round(count / items, 2) }))
      .sort((a, b) => b.perItem - a.perItem)
      .slice(0, 15),
    appLog: {
      warn: after.reduce((sum, stats, index) => sum + stats.log.warn - before[index].log.warn, 0),
      error: after.reduce((sum, stats, index) => sum + stats.log.error - before[index].log.error, 0),
    },
  };
}

/**
 * One run: the first `count` tenants, `editsPerTenant` edits each, queued at once over the
 * instances (organization i's POST to instance i mod n), drained until every item has ended or
 * `giveUpSeconds` after the first POST.
 */
async function measureRun(
  ctx: BenchContext,
  app: BenchApp,
  tenants: Tenant[],
  count: number,
  instances: AppInstanceProcess[],
  options: TenantsOptions,
  claimQuery: CapturedQuery | null,
): Promise<TenantsRun> {
  const { db, simulator } = ctx;
  const active = tenants.slice(0, count);
  const edits = options.editsPerTenant;
  const items = count * edits;
  const label = `${count} tenant${count === 1 ? '' : 's'}, ${instances.length} instance${instances.length === 1 ? '' : 's'}`;
  const organizationIds = active.map((tenant) => tenant.principal.organizationId);
  const prepared = Date.now();
  await enableFirst(ctx, app, tenants, count);
  await resetData(ctx, app, tenants, active, edits, `tenants-${count}x${instances.length}-${Date.now()}`);
  await vacuumAnalyze(db);
  // Let the rate limiter's tenant rows go idle and the simulator's windows empty.
  await sleep(1500);
  await simulator.clearLog();
  const tokens = await Promise.all(active.map((tenant) => tokenFor(app, tenant.principal)));
  const inFlightLimits = await Promise.all(instances.map((instance) => instance.inFlightLimit()));
  ctx.log(`  tenants: ${label}: ${items.toLocaleString('en')} edits ready in ${Date.now() - prepared} ms; room in flight ${inFlightLimits.join(' + ')}; queueing…`);

  const before = await Promise.all(instances.map((instance) => instance.stats()));
  const stopBackends = measureDatabaseBackends(ctx.databaseUrl, (client) => ctx.counter.exclude(client));
  const stopSamplingActivity = sampleActivity(ctx.databaseUrl, (client) => ctx.counter.exclude(client));
  const stopResources = measureResources();
  const queuedAt = preciseNow();
  const answers = await Promise.all(
    active.map((tenant, index) =>
      httpJson<WriteSyncAnswer>('POST', `${instances[index % instances.length].url}/api/pems/write-sync`, tokens[index], { organizationId: tenant.principal.organizationId }),
    ),
  );
  const postsAnsweredMs = round(preciseNow() - queuedAt, 1);
  for (const [index, answer] of answers.entries()) {
    if (answer.status !== 200 || answer.body.queuedCount !== edits) {
      throw new Error(`${active[index].code}: POST /api/pems/write-sync answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
  }
  const claimPlanAfterQueueing = claimQuery ? (await explain(db, 'claim after queueing', claimQuery, false)).plan : null;
  const deadline = queuedAt + options.giveUpSeconds * 1000;
  let progress = await queueProgress(ctx, organizationIds);
  let lastReport = Date.now();
  while (progress.ended < items && preciseNow() < deadline) {
    await sleep(200);
    progress = await queueProgress(ctx, organizationIds);
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      ctx.log(`  tenants: ${label}: ${progress.ended.toLocaleString('en')} of ${items.toLocaleString('en')} ended after ${round((preciseNow() - queuedAt) / 1000, 0)} s…`);
    }
  }
  const endedAt = preciseNow();
  const gaveUp = progress.ended < items;
  const after = await Promise.all(instances.map((instance) => instance.stats()));
  const resources = stopResources();
  const postgresBackends = await stopBackends();
  const activity = await stopSamplingActivity();
  const autoAnalyzeAfterSeconds = await autoAnalyzedAfter(ctx, queuedAt);
  const log = await simulator.getLog();
  if (gaveUp) {
    ctx.log(
      `  tenants: ${label}: GAVE UP after ${options.giveUpSeconds} s with ${progress.ended.toLocaleString('en')} of ${items.toLocaleString('en')} ended; stopping the drain…`,
    );
    await stopDraining(ctx, organizationIds);
  }

  const ended = Math.max(1, progress.ended);
  const work = instanceWork(before, after, ended);
  const appCpuMs = work.cpuMs.reduce((sum, ms) => sum + ms, 0);
  const statements = work.statements.reduce((sum, value) => sum + value, 0);
  const figures = readLog(log, active, queuedAt, items);
  const run: TenantsRun = {
    label,
    tenants: count,
    instances: instances.length,
    editsPerTenant: edits,
    items,
    postsAnsweredMs,
    gaveUp,
    giveUpSeconds: options.giveUpSeconds,
    ended: progress.ended,
    completed: progress.completed,
    failed: progress.failed,
    wallSeconds: round(((gaveUp || progress.lastEndedMs === null ? endedAt : progress.lastEndedMs) - queuedAt) / 1000, 2),
    ...figures,
    inFlightLimits,
    cpuPerItemMs: {
      app: round(appCpuMs / ended, 2),
      appByInstance: work.cpuMs.map((ms) => round(ms / ended, 2)),
      postgres: postgresBackends === null ? null : round(postgresBackends.cpuMs / ended, 2),
      postgresServer: resources.postgresCpuMs === null ? null : round(resources.postgresCpuMs / ended, 2),
      simulator: resources.simulatorCpuMs === null ? null : round(resources.simulatorCpuMs / ended, 2),
      harness: round(resources.nodeCpuMs / ended, 2),
    },
    resources,
    postgresBackends,
    statementsPerItem: round(statements / ended, 2),
    statementsPerItemByInstance: work.statements.map((value) => round(value / ended, 2)),
    statementKinds: work.statementKinds,
    activity,
    claimPlanAfterQueueing,
    claimBacklogAccess: claimPlanAfterQueueing ? backlogAccess(claimPlanAfterQueueing) : null,
    autoAnalyzeAfterSeconds,
    appLog: work.appLog,
  };
  ctx.log(
    `  tenants: ${label}: ${gaveUp ? 'GAVE UP, ' : ''}${run.ended.toLocaleString('en')} of ${items.toLocaleString('en')} ended in ${run.wallSeconds} s; ` +
      `${run.totalRequestsPerSecond} req/s (${round(run.totalShareOfLimits * 100, 1)}% of ${RATE * count}/s), ${run.allSendingRequestsPerSecond ?? '—'} req/s while all sent; per tenant min ${run.perTenantRate.min}, median ${run.perTenantRate.median}/s; ` +
      `most in any second ${run.maxRequestsInAnySecond}; double sends ${run.doubleSends}`,
  );
  ctx.log(
    `  tenants: ${label}: the claim read the backlog by "${run.claimBacklogAccess ?? '?'}" after queueing; ` +
      `pfa_write_queue ${autoAnalyzeAfterSeconds === null ? 'not analyzed by autovacuum during the run' : `analyzed by autovacuum ${autoAnalyzeAfterSeconds} s after the first POST`}`,
  );
  return run;
}

function runTable(runs: TenantsRun[]): string {
  const headers = [
    'run',
    'ended / items',
    'wall s',
    'total req/s (% of Σ limits)',
    'per tenant /s min / median / max',
    'over the drain /s min / median',
    '1st UPDATE after, ms median / last',
    'max in 1 s',
    'double sends',
    '429',
    'CPU ms/item app / PG',
    'stmts/item',
  ];
  const rows = runs.map((run) => [
    `${run.label}${run.gaveUp ? ` (GAVE UP after ${run.giveUpSeconds} s)` : ''}`,
    `${run.ended} / ${run.items}`,
    String(run.wallSeconds),
    `${run.totalRequestsPerSecond} (${round(run.totalShareOfLimits * 100, 1)}%)`,
    `${run.perTenantRate.min} / ${run.perTenantRate.median} / ${run.perTenantRate.max}`,
    `${run.perTenantRateOverDrain.min} / ${run.perTenantRateOverDrain.median}`,
    `${run.firstUpdateAfterMs.median} / ${run.firstUpdateAfterMs.max}`,
    String(run.maxRequestsInAnySecond),
    String(run.doubleSends),
    String(run.responses429),
    `${run.cpuPerItemMs.app} / ${run.cpuPerItemMs.postgres ?? '?'}`,
    String(run.statementsPerItem),
  ]);
  return formatTable(headers, rows);
}

async function startInstance(ctx: BenchContext, name: string): Promise<AppInstanceProcess> {
  const started = Date.now();
  const logFile = ctx.appEnv.LOG_FILE.replace(/\.log$/, `-${name}.log`);
  const instance = await startAppInstanceProcess(name, { ...ctx.appEnv, ENABLE_PEMS_WRITE_SYNC: 'true' }, logFile);
  ctx.log(`  tenants: app instance "${name}" (child process ${instance.pid}, worker enabled) up in ${Date.now() - started} ms at ${instance.url}, log ${logFile}`);
  return instance;
}

/**
 * N organizations, each with its own API server on its own PEMS tenant of one simulator
 * (10 requests/s each, answers after 20 ms), `editsPerTenant` records and as many pending
 * modifications each, queued at once; everything is read from the simulator's request log.
 * The runs: one instance at each tenant count of the sweep, then two instances on the same
 * database. Each instance is a child process (startAppInstanceProcess), so its CPU and
 * statements are its own; the harness's worker-less instance only sets the data up. BENCH's
 * own server is write-disabled meanwhile, and the benchmark's organizations are removed at the end.
 */
export async function runTenants(ctx: BenchContext, app: BenchApp, options: TenantsOptions): Promise<TenantsResult> {
  const { simulator } = ctx;
  const most = Math.max(...options.sweep, options.twoInstanceTenants);
  await simulator.setRateLimit(RATE);
  await simulator.setFaults({ latencyMs: LATENCY_MS });
  await connectServer(app, ctx.principal, simulator.baseUrl, RATE, { tenant: BENCH_TENANT, credentials: BENCH_PEMS_CREDENTIALS, writeEnabled: false });
  const setupStarted = Date.now();
  const tenants = await createTenants(ctx, app, most);
  ctx.log(`  tenants: ${most} organizations on ${most} PEMS tenants of the simulator in ${Date.now() - setupStarted} ms; ${QUEUEING}`);
  const instances: AppInstanceProcess[] = [];
  const sweep: TenantsRun[] = [];
  let twoInstances: TenantsRun | null = null;
  try {
    const claimQuery = await claimStatement(app);
    instances.push(await startInstance(ctx, 'tenants-a'));
    for (const count of options.sweep) sweep.push(await measureRun(ctx, app, tenants, count, instances, options, claimQuery));
    if (options.twoInstanceTenants > 0) {
      instances.push(await startInstance(ctx, 'tenants-b'));
      twoInstances = await measureRun(ctx, app, tenants, options.twoInstanceTenants, instances, options, claimQuery);
    }
  } finally {
    for (const instance of instances) await instance.stop().catch((error: Error) => ctx.log(`  tenants: could not stop ${instance.name}: ${error.message}`));
    // Records first: their queue items' triggers count into sync-status's minutes of the organization, which must still exist.
    const organizationIds = tenants.map((tenant) => tenant.principal.organizationId);
    const cleanUp = [
      { sql: 'DELETE FROM pfa_records WHERE organization_id = ANY($1::uuid[])', params: [organizationIds] },
      { sql: 'DELETE FROM organizations WHERE id = ANY($1::uuid[])', params: [organizationIds] },
      { sql: 'DELETE FROM users WHERE id = ANY($1::uuid[])', params: [tenants.map((tenant) => tenant.principal.userId)] },
      { sql: 'DELETE FROM pems_rate_limits', params: [] },
    ];
    for (const step of cleanUp) await ctx.db.query(step.sql, step.params).catch((error: Error) => ctx.log(`  tenants: clean-up failed (${step.sql}): ${error.message}`));
    await connectServer(app, ctx.principal, simulator.baseUrl, RATE);
  }
  ctx.log(`\n${runTable([...sweep, ...(twoInstances ? [twoInstances] : [])])}`);
  return {
    rateLimitPerSecond: RATE,
    simulatorLatencyMs: LATENCY_MS,
    editsPerTenant: options.editsPerTenant,
    giveUpSeconds: options.giveUpSeconds,
    queueing: QUEUEING,
    instanceSetup: 'each instance a child process booted by bench/lib/app-instance-process.ts (bootApp, the real AppModule), on the same database',
    sweep,
    twoInstances,
  };
}
