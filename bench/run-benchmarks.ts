/**
 * npm run bench: the performance figures of SPEC §9 on this machine.
 *
 *   1. drain     600 items at 10/s: use of the rate limit, the most requests in any second, 429s,
 *                time from enqueue to the first UPDATE at PEMS
 *   2. pipeline  the limit lifted, 5,000 items: our worker's items/s against a pg-boss 10 baseline
 *   3. tenants   N organizations on N PEMS tenants at 10/s each, 200 edits each queued at once: each
 *                tenant's rate, the total, the most in any second, double sends, CPU and statements
 *                per item at 1, 10, 25 and 50 tenants, then 50 tenants on two instances
 *   4. enqueue   one POST /api/pems/write-sync queueing 10,000 modifications
 *   5. scale     pfa_write_queue at 1,000,000 rows: sync-status and claim latency, EXPLAIN ANALYZE,
 *                the worker's resident memory after a drain
 *   conflicts    one POST /api/pems/conflicts/resolve of 1,000 conflicts, with use_local and with use_pems
 *   console      (only when BENCH_PHASES names it; needs chromium) the web console in Debian's
 *                chromium on the 10,000 records: the records page's first row after navigation,
 *                an edit's "Saved" after its answer, the first load's gzipped JavaScript
 *
 * It starts its own database (BENCH_DATABASE_URL, else a fresh database on DATABASE_URL's server,
 * else the embedded PostgreSQL on port 54369) and PEMS simulator (a child process unless
 * BENCH_SIMULATOR=in-process), boots the real AppModule in this process (the tenants phase's
 * instances each in a child process), prints a table and
 * writes bench/results.json. See docs/performance.md.
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { generateSeedRecords } from '../src/pems-simulator/pems-seed-data';
import { BenchApp, BenchFileLogger, bootApp } from './lib/app';
import { BenchContext } from './lib/context';
import { provisionDatabase } from './lib/database';
import { BENCH_ORGANIZATION, BENCH_PEMS_CREDENTIALS, BENCH_TENANT, createPrincipal, emptyTables, mirrorRecords } from './lib/fixtures';
import { QueryCounter } from './lib/query-counter';
import { SimulatorMode, startBenchSimulator } from './lib/simulator-host';
import { postmasterOf, setResourceTargets } from './lib/resources';
import { isClaimStatement } from './lib/sql-probes';
import { round } from './lib/stats';
import { DrainResult, runDrain } from './phases/drain';
import { EnqueueResult, runEnqueue } from './phases/enqueue';
import { PGBOSS_CONFIGS, PipelineResult, ThroughputResult, runPipeline } from './phases/pipeline';
import { ConflictsResult, runConflicts } from './phases/conflicts';
import { ConsoleResult, runConsole } from './phases/console';
import { ScaleResult, runScale, runScaleDrain } from './phases/scale';
import { TenantsResult, TenantsRun, runTenants } from './phases/tenants';

const RECORDS = 10_000;
const RESULTS_FILE = process.env.BENCH_RESULTS_FILE ?? join(__dirname, 'results.json');
const LOG_FILE = join(__dirname, 'logs', 'bench-app.log');

function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number`);
  return parsed;
}

/** A list of positive whole numbers, e.g. BENCH_TENANTS_SWEEP=1,10,25,50. */
function envCounts(name: string, fallback: number[]): number[] {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const counts = value.split(',').map((part) => Number(part.trim()));
  if (counts.length === 0 || counts.some((count) => !Number.isInteger(count) || count <= 0)) throw new Error(`${name} must list positive whole numbers, e.g. 1,10,25,50`);
  return counts;
}

interface Row {
  metric: string;
  value: string;
  target: string;
  met: string;
}

function machine() {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const nproc = (() => {
    try {
      return Number(execSync('nproc', { encoding: 'utf8' }).trim());
    } catch {
      return cpus().length;
    }
  })();
  return {
    nproc,
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function printTable(rows: Row[]): string {
  const headers: Row = { metric: 'metric', value: 'value', target: 'target', met: 'met?' };
  const all = [headers, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((row) => row[key].length));
  const line = (row: Row) =>
    `| ${row.metric.padEnd(width('metric'))} | ${row.value.padStart(width('value'))} | ${row.target.padEnd(width('target'))} | ${row.met.padEnd(width('met'))} |`;
  const rule = `|-${'-'.repeat(width('metric'))}-|-${'-'.repeat(width('value'))}-|-${'-'.repeat(width('target'))}-|-${'-'.repeat(width('met'))}-|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

const yesNo = (ok: boolean) => (ok ? 'yes' : 'NO');
const cpuPerItem = (result: ThroughputResult) => String(round(result.cpuPerItemMs.node + (result.cpuPerItemMs.postgres ?? 0), 1));

function tenantsRows(run: TenantsRun, rate: number): Row[] {
  const name = `tenants: ${run.tenants} × ${rate}/s, ${run.instances} instance${run.instances === 1 ? '' : 's'}`;
  const cut = run.gaveUp ? ` (gave up after ${run.giveUpSeconds} s)` : '';
  const target = 0.95 * rate;
  return [
    {
      metric: `${name}: ended / items, wall time from the first POST`,
      value: `${run.ended} / ${run.items} in ${run.wallSeconds} s${cut}`,
      target: 'all',
      met: yesNo(!run.gaveUp && run.ended === run.items && run.failed === 0),
    },
    {
      metric: `${name}: each tenant's rate (its first → last UPDATE), min | median`,
      value: `${run.perTenantRate.min} | ${run.perTenantRate.median} /s`,
      target: `≥ 95 % each (${target}/s)`,
      met: yesNo(!run.gaveUp && run.perTenantRate.min >= target),
    },
    {
      metric: `${name}: each tenant's UPDATEs over the whole drain, min | median`,
      value: `${run.perTenantRateOverDrain.min} | ${run.perTenantRateOverDrain.median} /s`,
      target: '—',
      met: '',
    },
    {
      metric: `${name}: all requests/s (first → last UPDATE)`,
      value: `${run.totalRequestsPerSecond} req/s (${round(run.totalShareOfLimits * 100, 1)}%)`,
      target: `≥ ${round(target * run.tenants, 1)} req/s`,
      met: yesNo(!run.gaveUp && run.totalRequestsPerSecond >= target * run.tenants),
    },
    {
      metric: `${name}: all requests/s while every tenant was sending`,
      value: run.allSendingRequestsPerSecond === null ? '—' : `${run.allSendingRequestsPerSecond} req/s`,
      target: `≥ ${round(target * run.tenants, 1)} req/s`,
      met: yesNo(!run.gaveUp && (run.allSendingRequestsPerSecond ?? 0) >= target * run.tenants),
    },
    {
      metric: `${name}: most requests of one tenant in any 1 s window`,
      value: String(run.maxRequestsInAnySecond),
      target: `≤ ${rate} in any second`,
      met: yesNo(run.maxRequestsInAnySecond <= rate),
    },
    {
      metric: `${name}: windows of ${rate + 1} requests of one tenant certainly / possibly within 1 s`,
      value: `${run.certainBreaches} / ${run.possibleBreaches}`,
      target: '0 certain',
      met: yesNo(run.certainBreaches === 0),
    },
    {
      metric: `${name}: double sends | records accepted twice | 429s`,
      value: `${run.doubleSends} | ${run.recordsAcceptedTwice} | ${run.responses429}`,
      target: '0 double sends',
      met: yesNo(run.doubleSends === 0 && run.recordsAcceptedTwice === 0 && run.acceptedBeyondItems === 0),
    },
  ];
}

function tenantsCostRow(run: TenantsRun): Row {
  return {
    metric: `tenants: ${run.tenants} tenant${run.tenants === 1 ? '' : 's'}, ${run.instances} instance${run.instances === 1 ? '' : 's'}: CPU ms/item app | PostgreSQL; statements/item`,
    value: `${run.cpuPerItemMs.app} | ${run.cpuPerItemMs.postgres ?? '?'}; ${run.statementsPerItem}${run.gaveUp ? ' (cut off)' : ''}`,
    target: '—',
    met: '',
  };
}

function buildTable(
  drain: DrainResult | null,
  pipeline: PipelineResult | null,
  tenants: TenantsResult | null,
  enqueue: EnqueueResult | null,
  scale: ScaleResult | null,
  consolePages: ConsoleResult | null,
  conflicts: ConflictsResult | null,
): Row[] {
  const rows: Row[] = [];
  if (consolePages) {
    const { cold, warm } = consolePages.firstRowMs;
    rows.push(
      {
        metric: `console: /records first row after navigation (${consolePages.records.toLocaleString('en')} records), cold median | max`,
        value: `${cold.median} | ${cold.max} ms`,
        target: '—',
        met: '',
      },
      {
        metric: 'console: cold, JavaScript received | records list answered (median)',
        value: `${consolePages.coldBreakdownMs.scriptReceived.median} | ${consolePages.coldBreakdownMs.recordsAnswered.median} ms`,
        target: '—',
        met: '',
      },
      { metric: 'console: /records first row, JavaScript cached, median | max', value: `${warm.median} | ${warm.max} ms`, target: '—', met: '' },
      {
        metric: 'console: PATCH answer → "Saved" shown, median | max',
        value: `${consolePages.savedAfterResponseMs.median} | ${consolePages.savedAfterResponseMs.max} ms`,
        target: '—',
        met: '',
      },
      {
        metric: `console: first-load JavaScript (${consolePages.firstLoadJs.files.length} file${consolePages.firstLoadJs.files.length === 1 ? '' : 's'}), gzipped | raw`,
        value: `${consolePages.firstLoadJs.gzipBytes.toLocaleString('en')} | ${consolePages.firstLoadJs.bytes.toLocaleString('en')} B`,
        target: '—',
        met: '',
      },
    );
  }
  if (drain) {
    rows.push(
      {
        metric: `drain: sends/s ÷ limit (${drain.items} items, ${drain.rateLimitPerSecond}/s)`,
        value: `${round(drain.utilization * 100, 1)}%`,
        target: '≥ 99%',
        met: yesNo(drain.utilization >= 0.99),
      },
      { metric: 'drain: most requests recorded in any 1 s window', value: String(drain.maxRequestsInAnySecond), target: '≤ 10', met: yesNo(drain.maxRequestsInAnySecond <= 10) },
      {
        metric: 'drain: windows of 11 certainly / possibly within 1 s',
        value: `${drain.certainBreaches} / ${drain.possibleBreaches} (arrival times up to ${drain.worstArrivalUncertaintyMs} ms late)`,
        target: '0 certain',
        met: yesNo(drain.certainBreaches === 0),
      },
      { metric: 'drain: 429 responses', value: String(drain.responses429), target: '0', met: yesNo(drain.responses429 === 0) },
      { metric: 'drain: enqueue answered → first UPDATE', value: `${drain.enqueueToFirstUpdateMs} ms`, target: '≤ 1000 ms', met: yesNo(drain.enqueueToFirstUpdateMs <= 1000) },
    );
  }
  if (pipeline) {
    rows.push(
      ...pipeline.oursRuns.map((result, index) => ({
        metric: `pipeline: our worker, run ${index + 1} (limit lifted)`,
        value: `${result.itemsPerSecond} items/s`,
        target: '—',
        met: '',
      })),
      ...pipeline.pgBoss.map((result) => ({
        metric: `pipeline: ${result.label}`,
        value: `${result.itemsPerSecond} items/s`,
        target: result.diagnostic ? '(diagnostic)' : '—',
        met: '',
      })),
      ...(pipeline.bestPgBoss === null
        ? []
        : [
            {
              metric: 'pipeline: items/s over the last 60%, best ours | best pg-boss',
              value: `${Math.max(...pipeline.oursRuns.map((run) => run.steadyItemsPerSecond))} | ${Math.max(...pipeline.pgBoss.filter((run) => !run.diagnostic).map((run) => run.steadyItemsPerSecond))}`,
              target: '—',
              met: '',
            },
          ]),
      ...(pipeline.bestPgBoss === null
        ? []
        : [
            {
              metric: 'pipeline: CPU ms/item (Node + PostgreSQL), ours | best pg-boss',
              value: `${cpuPerItem(pipeline.ours)} | ${cpuPerItem(pipeline.bestPgBoss)}`,
              target: '—',
              met: '',
            },
          ]),
      ...(pipeline.ratio === null
        ? []
        : [{ metric: 'pipeline: best ours ÷ best pg-boss baseline', value: `${pipeline.ratio}x`, target: '≥ 1.5x', met: yesNo(pipeline.ratio >= 1.5) }]),
    );
  }
  if (tenants) {
    const widest = tenants.sweep.reduce<TenantsRun | null>((best, run) => (best === null || run.tenants > best.tenants ? run : best), null);
    if (widest) rows.push(...tenantsRows(widest, tenants.rateLimitPerSecond));
    if (tenants.twoInstances) rows.push(...tenantsRows(tenants.twoInstances, tenants.rateLimitPerSecond));
    rows.push(...tenants.sweep.map(tenantsCostRow), ...(tenants.twoInstances ? [tenantsCostRow(tenants.twoInstances)] : []));
  }
  if (conflicts) {
    rows.push(
      ...conflicts.runs.map((run) => ({
        metric: `conflicts: one POST resolving ${run.conflicts.toLocaleString('en')} with ${run.resolution} (each its own transaction and audit entry)`,
        value: `${run.postMs} ms`,
        target: '≤ 10000 ms',
        met: yesNo(run.postMs <= 10_000 && run.resolvedCount === run.conflicts && run.auditEntries === run.conflicts),
      })),
    );
  }
  if (enqueue) {
    rows.push({ metric: 'enqueue: one POST of 10,000 modifications', value: `${enqueue.postMs} ms`, target: '≤ 2000 ms', met: yesNo(enqueue.postMs <= 2000) });
  }
  if (scale) {
    rows.push(
      { metric: 'scale: GET sync-status p50 (1M rows)', value: `${scale.statusMs.p50} ms`, target: '—', met: '' },
      { metric: 'scale: GET sync-status p95 (1M rows)', value: `${scale.statusMs.p95} ms`, target: '≤ 50 ms', met: yesNo(scale.statusMs.p95 <= 50) },
      { metric: 'scale: claim(100) p50 (1M rows)', value: `${scale.claimMs.p50} ms`, target: '—', met: '' },
      { metric: 'scale: claim(100) p95 (1M rows)', value: `${scale.claimMs.p95} ms`, target: '≤ 10 ms', met: yesNo(scale.claimMs.p95 <= 10) },
    );
    if (scale.drain) {
      rows.push(
        { metric: `scale: drain at 1M rows (${scale.drain.items} items)`, value: `${scale.drain.itemsPerSecond} items/s`, target: '—', met: '' },
        { metric: 'scale: worker process RSS after the drain', value: `${scale.drain.rssAfterDrainMb} MB`, target: '—', met: '' },
      );
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const started = Date.now();
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  const phases = new Set((process.env.BENCH_PHASES ?? 'drain,pipeline,tenants,conflicts,enqueue,scale').split(',').map((phase) => phase.trim()));
  const simulatorMode = (process.env.BENCH_SIMULATOR ?? 'child') as SimulatorMode;
  if (!['child', 'in-process'].includes(simulatorMode)) throw new Error('BENCH_SIMULATOR must be child or in-process');
  const settings = {
    phases: [...phases],
    simulatorMode,
    drainItems: envNumber('BENCH_DRAIN_ITEMS', 600),
    pipelineItems: envNumber('BENCH_PIPELINE_ITEMS', 5000),
    pgBossConfigs: (process.env.BENCH_PGBOSS_CONFIGS ?? 'batch,notify,poll,processor')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '' && key !== 'none'),
    enqueueItems: RECORDS,
    conflicts: envNumber('BENCH_CONFLICTS', 1000),
    consoleRuns: envNumber('BENCH_CONSOLE_RUNS', 5),
    scaleRows: envNumber('BENCH_SCALE_ROWS', 1_000_000),
    samples: envNumber('BENCH_SAMPLES', 200),
    scaleDrainItems: envNumber('BENCH_SCALE_DRAIN', 3000),
    tenants: {
      sweep: envCounts('BENCH_TENANTS_SWEEP', [1, 10, 25, 50]),
      editsPerTenant: envNumber('BENCH_TENANTS_EDITS', 200),
      twoInstanceTenants: process.env.BENCH_TENANTS_TWO_INSTANCES === '0' ? 0 : envNumber('BENCH_TENANTS_TWO_INSTANCES', 50),
      giveUpSeconds: envNumber('BENCH_TENANTS_GIVE_UP_S', 120),
    },
  };
  for (const key of settings.pgBossConfigs) if (!PGBOSS_CONFIGS[key]) throw new Error(`Unknown pg-boss config ${key} (known: ${Object.keys(PGBOSS_CONFIGS).join(', ')})`);
  const host = machine();
  const git = (() => {
    try {
      const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
      const changed = execSync('git status --porcelain -- src migrations ormconfig.ts', { encoding: 'utf8' }).split('\n').filter(Boolean);
      return { head, uncommittedSourceChanges: changed };
    } catch {
      return null;
    }
  })();
  const loadAtStart = loadavg().map((value) => round(value, 2));
  if (git) log(`Source: ${git.head}${git.uncommittedSourceChanges.length > 0 ? ` with ${git.uncommittedSourceChanges.length} uncommitted change(s) in src/ or migrations/` : ''}`);
  log(`pems-sync benchmarks: ${host.nproc} CPU(s) ${host.cpuModel}, ${host.memoryGb} GB, Node ${host.node}; load average ${loadAtStart.join(' ')}`);

  const counter = new QueryCounter();
  counter.install();
  counter.remember(isClaimStatement);
  const logger = new BenchFileLogger(LOG_FILE);
  logger.note(`run started, settings ${JSON.stringify(settings)}`);
  const database = await provisionDatabase(log);
  const db = new Client({ connectionString: database.url, application_name: 'pems-sync-bench-harness' });
  counter.exclude(db);
  await db.connect();
  const {
    rows: [pg],
  } = await db.query<{ version: string; server_version: string }>(`SELECT version(), current_setting('server_version') AS server_version`);
  const { rows: pgSettings } = await db.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'jit', 'max_connections', 'synchronous_commit', 'effective_cache_size')`,
  );
  log(`PostgreSQL ${pg.server_version}`);

  const appEnv: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-to-pass-validation',
    CREDENTIALS_KEY: Buffer.alloc(32, 9).toString('base64'),
    LOG_LEVEL: 'warn',
    LOG_FILE,
    DATA_DIR: '.data/bench',
  };

  const simulator = await startBenchSimulator(simulatorMode, {
    tenants: { [BENCH_TENANT]: BENCH_PEMS_CREDENTIALS },
    rateLimitPerSecond: 10,
    logLimit: 200_000,
    watchArrivalDelay: true,
  });
  const {
    rows: [{ pid: backendPid }],
  } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmasterPid = postmasterOf(backendPid);
  setResourceTargets({ postmasterPid, simulatorPid: simulator.mode === 'child' ? simulator.pid : null });
  log(`PEMS simulator: ${simulator.mode === 'child' ? `child process ${simulator.pid}` : 'in this process'}, ${simulator.baseUrl}`);

  const errors: Record<string, string> = {};
  let drain: DrainResult | null = null;
  let pipeline: PipelineResult | null = null;
  let tenants: TenantsResult | null = null;
  let enqueue: EnqueueResult | null = null;
  let scale: ScaleResult | null = null;
  let consolePages: ConsoleResult | null = null;
  let conflicts: ConflictsResult | null = null;
  const open = new Set<BenchApp>();
  const boot = async (name: string, workerEnabled: boolean) => {
    const bootStarted = Date.now();
    const app = await bootApp(name, { ...appEnv, ENABLE_PEMS_WRITE_SYNC: String(workerEnabled) }, logger);
    open.add(app);
    log(`App instance "${name}" (worker ${workerEnabled ? 'enabled' : 'disabled'}) up in ${Date.now() - bootStarted} ms at ${app.url}`);
    return app;
  };
  const close = async (app: BenchApp) => {
    open.delete(app);
    await app.close();
  };

  try {
    let app = await boot('worker', true);
    if (database.source === 'BENCH_DATABASE_URL') await emptyTables(app.dataSource);
    const principal = await createPrincipal(db);
    const seedStarted = Date.now();
    const records = generateSeedRecords(BENCH_ORGANIZATION, RECORDS, { seed: 2026 });
    await simulator.seed(BENCH_ORGANIZATION, RECORDS, { seed: 2026 });
    await mirrorRecords(app, principal, records);
    const check = await simulator.recordVersion(BENCH_ORGANIZATION, records[RECORDS - 1].pfaId);
    if (check !== records[RECORDS - 1].recordid) throw new Error('The simulator and the mirror do not hold the same records');
    log(`Seeded ${RECORDS.toLocaleString('en')} records in the simulator and the mirror in ${Date.now() - seedStarted} ms`);
    const ctx: BenchContext = { db, databaseUrl: database.url, principal, simulator, logger, counter, appEnv, log };

    if (phases.has('console')) {
      log('\n[console] The web console in chromium, 10,000 records');
      try {
        consolePages = await runConsole(ctx, app, settings.consoleRuns);
      } catch (error) {
        errors.console = (error as Error).stack ?? String(error);
        log(`  console failed: ${(error as Error).message}`);
      }
    }

    if (phases.has('drain')) {
      log('\n[1/5] Drain at the rate limit');
      try {
        drain = await runDrain(ctx, app, settings.drainItems);
      } catch (error) {
        errors.drain = (error as Error).stack ?? String(error);
        log(`  drain failed: ${(error as Error).message}`);
      }
    }
    if (phases.has('pipeline')) {
      log('\n[2/5] Pipeline with the rate limit lifted, against pg-boss 10');
      try {
        pipeline = await runPipeline(
          ctx,
          app,
          settings.pipelineItems,
          settings.pgBossConfigs.map((key) => PGBOSS_CONFIGS[key]),
        );
      } catch (error) {
        errors.pipeline = (error as Error).stack ?? String(error);
        log(`  pipeline failed: ${(error as Error).message}`);
      }
    }
    await close(app);

    if (phases.has('tenants') || phases.has('conflicts') || phases.has('enqueue') || phases.has('scale')) app = await boot('no-worker', false);
    if (phases.has('tenants')) {
      log('\n[3/5] Tenants: one PEMS tenant per organization at 10/s each, queued at once');
      try {
        tenants = await runTenants(ctx, app, settings.tenants);
      } catch (error) {
        errors.tenants = (error as Error).stack ?? String(error);
        log(`  tenants failed: ${(error as Error).message}`);
      }
    }
    if (phases.has('conflicts')) {
      log(`\n[conflicts] Bulk resolution of ${settings.conflicts.toLocaleString('en')} conflicts in one call`);
      try {
        conflicts = await runConflicts(ctx, app, settings.conflicts);
      } catch (error) {
        errors.conflicts = (error as Error).stack ?? String(error);
        log(`  conflicts failed: ${(error as Error).message}`);
      }
    }
    if (phases.has('enqueue') || phases.has('scale')) {
      log('\n[4/5] Enqueue of 10,000 modifications');
      try {
        enqueue = await runEnqueue(ctx, app, settings.enqueueItems);
      } catch (error) {
        errors.enqueue = (error as Error).stack ?? String(error);
        log(`  enqueue failed: ${(error as Error).message}`);
      }
      if (phases.has('scale') && enqueue) {
        log('\n[5/5] A million queue rows');
        try {
          scale = await runScale(ctx, app, { enqueueJobId: enqueue.jobId, totalRows: settings.scaleRows, samples: settings.samples, drainItems: settings.scaleDrainItems });
          open.delete(app);
          const worker = await runScaleDrain(ctx, app, scale, enqueue.jobId, settings.scaleDrainItems);
          open.add(worker);
          await close(worker);
        } catch (error) {
          errors.scale = (error as Error).stack ?? String(error);
          log(`  scale failed: ${(error as Error).message}`);
        }
      }
    }
  } finally {
    for (const app of open) await app.close().catch(() => undefined);
    await simulator.stop().catch(() => undefined);
    await db.end().catch(() => undefined);
    await database.cleanup().catch((error: Error) => log(`Could not clean the database up: ${error.message}`));
  }

  const table = buildTable(drain, pipeline, tenants, enqueue, scale, consolePages, conflicts);
  const durationSeconds = round((Date.now() - started) / 1000, 1);
  const loadAtEnd = loadavg().map((value) => round(value, 2));
  log(
    `\nResults (${durationSeconds} s; load average at start ${loadAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}; app log ${LOG_FILE}: ${logger.counts.warn} warnings, ${logger.counts.error} errors)\n`,
  );
  log(printTable(table));
  for (const [phase, error] of Object.entries(errors)) log(`\n${phase} FAILED: ${error}`);
  await logger.close();

  const results = {
    startedAt: new Date(started).toISOString(),
    durationSeconds,
    machine: { ...host, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAtEnd },
    git,
    database: { source: database.source, database: database.createdDatabase, version: pg.version, serverVersion: pg.server_version, settings: pgSettings },
    simulator: { mode: simulator.mode },
    settings,
    appLog: { file: LOG_FILE, ...logger.counts },
    drain,
    pipeline,
    tenants,
    enqueue,
    scale,
    console: consolePages,
    conflicts,
    table,
    errors,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nWrote ${RESULTS_FILE}`);
  process.exitCode = Object.keys(errors).length > 0 ? 1 : 0;
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    // Timers of closed app instances (pg-boss, cron) must not keep the process alive.
    setTimeout(() => process.exit(), 1000).unref();
  });
