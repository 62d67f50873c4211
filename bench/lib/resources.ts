import { execSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client } from 'pg';
import { round } from './stats';

export interface ResourceUse {
  wallMs: number;
  /** CPU time of this process (the app instances, the worker, pg-boss, the harness), ms. */
  nodeCpuMs: number;
  /** nodeCpuMs / wallMs: 100% = one core busy. */
  nodeCpuPercent: number;
  /** The whole machine (every core, every process: PostgreSQL, the simulator child, other users): busy share of all cores. */
  machineBusyPercent: number | null;
  /** CPU time of the PostgreSQL server's processes (when it runs on this machine), ms. */
  postgresCpuMs: number | null;
  /** CPU time of the simulator's child process, ms (null in-process: it is in nodeCpuMs). */
  simulatorCpuMs: number | null;
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

function machineTicks(): { busy: number; total: number } | null {
  try {
    const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime (+ children's, for the postmaster's exited backends) of a process, ms; null when it cannot be read. */
function processCpuMs(pid: number): { ppid: number; ms: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { ppid: Number(fields[1]), ms: (ticks / ticksPerSecond()) * 1000 };
  } catch {
    return null;
  }
}

/** The PostgreSQL server's CPU: the postmaster (with its reaped children) and its live children. */
function postgresCpuMs(postmasterPid: number): number | null {
  const postmaster = processCpuMs(postmasterPid);
  if (!postmaster) return null;
  let total = postmaster.ms;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = processCpuMs(Number(entry));
    if (child && child.ppid === postmasterPid) total += child.ms;
  }
  return total;
}

/** The postmaster of the server a connection's backend runs in, when that server runs on this machine. */
export function postmasterOf(backendPid: number): number | null {
  return processCpuMs(backendPid)?.ppid ?? null;
}

export interface ResourceTargets {
  postmasterPid: number | null;
  simulatorPid: number | null;
}

let targets: ResourceTargets = { postmasterPid: null, simulatorPid: null };
export function setResourceTargets(value: ResourceTargets): void {
  targets = value;
}

/** Starts measuring; the function returned stops and answers what was used meanwhile. */
export function measureResources(): () => ResourceUse {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const ticks = machineTicks();
  const postgresBefore = targets.postmasterPid ? postgresCpuMs(targets.postmasterPid) : null;
  const simulatorBefore = targets.simulatorPid ? (processCpuMs(targets.simulatorPid)?.ms ?? null) : null;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return () => {
    histogram.disable();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const nodeCpuMs = (used.user + used.system) / 1000;
    const after = machineTicks();
    const postgresAfter = targets.postmasterPid ? postgresCpuMs(targets.postmasterPid) : null;
    const simulatorAfter = targets.simulatorPid ? (processCpuMs(targets.simulatorPid)?.ms ?? null) : null;
    const machineBusyPercent = ticks && after && after.total > ticks.total ? round(((after.busy - ticks.busy) / (after.total - ticks.total)) * 100, 1) : null;
    return {
      wallMs: round(wallMs, 1),
      nodeCpuMs: round(nodeCpuMs, 1),
      nodeCpuPercent: round((nodeCpuMs / wallMs) * 100, 1),
      machineBusyPercent,
      postgresCpuMs: postgresBefore !== null && postgresAfter !== null ? round(postgresAfter - postgresBefore, 1) : null,
      simulatorCpuMs: simulatorBefore !== null && simulatorAfter !== null ? round(simulatorAfter - simulatorBefore, 1) : null,
      eventLoopDelayP50Ms: round(histogram.percentile(50) / 1e6, 2),
      eventLoopDelayP99Ms: round(histogram.percentile(99) / 1e6, 2),
      eventLoopDelayMaxMs: round(histogram.max / 1e6, 2),
    };
  };
}

export interface DatabaseBackendsUse {
  /** CPU of the backends connected to this database (the apps' connections, autovacuum workers), ms. */
  cpuMs: number;
  /** Backends seen, and the most seen at once. */
  backendsSeen: number;
  mostAtOnce: number;
  samples: number;
}

/**
 * CPU of the PostgreSQL backends serving this database only, not the server's other databases
 * (other users' tests may share the server) nor its background writers: every 250 ms the
 * backends of the database in pg_stat_activity (less the harness's own connections,
 * application_name pems-sync-bench*) and their CPU in /proc. A backend first seen after the
 * start counts from its own start; one that exits loses what it used after its last sample.
 * Null when /proc does not show the server's processes (a server on another machine).
 */
export function measureDatabaseBackends(databaseUrl: string, exclude: (client: Client) => void): () => Promise<DatabaseBackendsUse | null> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'pems-sync-bench-backends' });
  exclude(client);
  const backends = new Map<number, { firstMs: number; lastMs: number }>();
  let mostAtOnce = 0;
  let samples = 0;
  let readable = true;
  let stopped = false;
  let first = true;
  const sample = async () => {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND coalesce(application_name, '') NOT LIKE 'pems-sync-bench%'`,
    );
    samples += 1;
    mostAtOnce = Math.max(mostAtOnce, rows.length);
    for (const { pid } of rows) {
      const cpu = processCpuMs(pid);
      if (!cpu) {
        readable = false;
        continue;
      }
      const known = backends.get(pid);
      if (known) known.lastMs = cpu.ms;
      else backends.set(pid, { firstMs: first ? cpu.ms : 0, lastMs: cpu.ms });
    }
    first = false;
  };
  const loop = (async () => {
    await client.connect();
    await sample();
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await sample();
    }
  })();
  return async () => {
    stopped = true;
    await loop.catch(() => undefined);
    await client.end().catch(() => undefined);
    if (!readable || samples === 0) return null;
    const cpuMs = [...backends.values()].reduce((sum, backend) => sum + backend.lastMs - backend.firstMs, 0);
    return { cpuMs: round(cpuMs, 1), backendsSeen: backends.size, mostAtOnce, samples };
  };
}
