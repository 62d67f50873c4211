import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { noteUndecided } from './undecided-measurements';

interface Sample {
  /** Jiffies the whole machine spent busy, and in all. */
  busy: number;
  total: number;
  /** Jiffies spent by this test: this process, its descendants, and PostgreSQL. */
  ours: number;
}

function readProcStat(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = fields[3] + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

function processes(): Array<{ pid: number; ppid: number; comm: string; jiffies: number }> {
  const found: Array<{ pid: number; ppid: number; comm: string; jiffies: number }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const rest = stat.slice(close + 2).split(' ');
      // Fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
      found.push({ pid: Number(name), ppid: Number(rest[1]), comm, jiffies: Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]) });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function sample(): Sample {
  const all = processes();
  const ours = new Set<number>([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const entry of all) {
      if (!ours.has(entry.pid) && ours.has(entry.ppid)) {
        ours.add(entry.pid);
        grew = true;
      }
    }
  }
  const jiffies = all.filter((entry) => ours.has(entry.pid) || entry.comm === 'postgres').reduce((sum, entry) => sum + entry.jiffies, 0);
  return { ...readProcStat(), ours: jiffies };
}

/**
 * How much of the machine went to other work than this test while it measured something that
 * depends on the machine's speed (a drain rate, a lateness): this process, its children and
 * PostgreSQL are the test's; the rest (another build, a benchmark, a CPU hog) is foreign. On a
 * machine without /proc, nothing is known and nothing is claimed.
 */
export class ForeignLoad {
  private constructor(private readonly start: Sample | null) {}

  static measure(): ForeignLoad {
    try {
      return new ForeignLoad(sample());
    } catch {
      return new ForeignLoad(null);
    }
  }

  /** The average number of cores other work used since measure(), or null when unknown. */
  foreignCores(): number | null {
    if (!this.start) return null;
    const end = sample();
    const elapsedPerCpu = (end.total - this.start.total) / cpus().length;
    if (elapsedPerCpu <= 0) return null;
    return Math.max(0, end.busy - this.start.busy - (end.ours - this.start.ours)) / elapsedPerCpu;
  }
}

/** Other work may use this much of the machine (cores) before a timing figure no longer measures the product. */
export const FOREIGN_LOAD_TOLERATED_CORES = 0.35;

/**
 * Runs `check` (assertions on a machine-dependent figure) unless other work took more than
 * FOREIGN_LOAD_TOLERATED_CORES meanwhile; then says so loudly instead of passing or failing by luck.
 */
export function checkUnlessMachineBusy(load: ForeignLoad, what: string, check: () => void): void {
  const foreign = load.foreignCores();
  if (foreign !== null && foreign > FOREIGN_LOAD_TOLERATED_CORES) {
    noteUndecided(
      `TIMING NOT MEASURABLE for ${what}: other work took ${foreign.toFixed(2)} cores of this ${cpus().length}-core machine meanwhile (tolerated: ${FOREIGN_LOAD_TOLERATED_CORES}).`,
    );
    return;
  }
  check();
}
