/**
 * An app instance in a process of its own, booted as the benchmark's in-process instances are
 * (bootApp: the real AppModule, configureApp, a loopback port), for runs that need instances
 * which do not share an event loop with each other or with the harness (test/support/app-process.ts
 * starts src/main.ts the same way, but could not count the instance's statements). The harness
 * asks the child over IPC for its CPU and the statements its pg clients sent (a QueryCounter
 * installed in the child).
 *
 * This file is both sides: startAppInstanceProcess() runs in the harness and forks this same
 * file, which then serves as the child (require.main === module).
 */
import { RunCounts, WriteSyncWorker } from '../../src/write-sync/write-sync.worker';
import { bootApp, BenchFileLogger } from './app';
import { IpcReady, IpcReply, forkIpcChild } from './ipc-child';
import { QueryCounter } from './query-counter';

/** What the child reports: cumulative since it started, for the harness to take differences. */
export interface AppInstanceStats {
  /** process.cpuUsage() of the child, user + system, ms. */
  cpuMs: number;
  statements: number;
  statementKinds: Array<[string, number]>;
  rssMb: number;
  log: { warn: number; error: number };
  /** The worker's counts over all its runs (WriteSyncWorker.getStatus().totals). */
  worker: RunCounts;
}

type Method = 'stats' | 'inFlightLimit';
interface Request {
  id: number;
  method: Method;
}
type Ready = IpcReady & { url: string };

export interface AppInstanceProcess {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  stats(): Promise<AppInstanceStats>;
  /** The worker's room for PEMS calls in flight, as it computes it at the start of a run. */
  inFlightLimit(): Promise<number>;
  /** Closes the app (its worker lets the items in flight finish) and waits for the process to end. */
  stop(): Promise<void>;
}

const BOOT_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export async function startAppInstanceProcess(name: string, env: Record<string, string>, logFile: string): Promise<AppInstanceProcess> {
  const instance = await forkIpcChild<Method, Ready>({
    what: `App instance ${name} (its log: ${logFile})`,
    file: __filename,
    env: { BENCH_APP_INSTANCE: JSON.stringify({ name, env, logFile }) },
    readyTimeoutMs: BOOT_TIMEOUT_MS,
    stop: { signal: 'SIGKILL', killAfterMs: STOP_TIMEOUT_MS },
  });
  return {
    name,
    pid: instance.child.pid ?? -1,
    url: instance.ready.url,
    logFile,
    stats: () => instance.call('stats') as Promise<AppInstanceStats>,
    inFlightLimit: () => instance.call('inFlightLimit') as Promise<number>,
    stop: instance.stop,
  };
}

/** The child: boots the app, answers the harness, closes the app when the harness lets go of it. */
async function serveAsChild(): Promise<void> {
  const { name, env, logFile } = JSON.parse(process.env.BENCH_APP_INSTANCE ?? '{}') as { name: string; env: Record<string, string>; logFile: string };
  const counter = new QueryCounter();
  counter.install();
  const logger = new BenchFileLogger(logFile);
  const app = await bootApp(name, env, logger);
  const worker = app.app.get(WriteSyncWorker);
  const methods: Record<Method, () => Promise<unknown> | unknown> = {
    stats: (): AppInstanceStats => {
      const cpu = process.cpuUsage();
      return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        statements: counter.read(),
        statementKinds: [...counter.snapshot()],
        rssMb: Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10,
        log: { ...logger.counts },
        worker: worker.getStatus().totals,
      };
    },
    inFlightLimit: () => worker.inFlightLimit(),
  };
  process.on('message', (request: Request) => {
    void (async () => {
      let reply: IpcReply;
      try {
        reply = { id: request.id, ok: true, result: await methods[request.method]() };
      } catch (error) {
        reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      if (process.connected) process.send!(reply);
    })();
  });
  process.on('disconnect', () => {
    void app
      .close()
      .then(() => logger.close())
      .finally(() => process.exit(0));
  });
  process.send!({ type: 'ready', url: app.url } satisfies Ready);
}

if (require.main === module) {
  serveAsChild().catch((error: unknown) => {
    process.stderr.write(`Benchmark app instance failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
