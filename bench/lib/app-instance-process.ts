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
import { ChildProcess, fork } from 'node:child_process';
import { RunCounts, WriteSyncWorker } from '../../src/write-sync/write-sync.worker';
import { bootApp, BenchFileLogger } from './app';
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
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
interface Ready {
  type: 'ready';
  url: string;
}

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
  const child: ChildProcess = fork(__filename, [], {
    execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
    env: { ...process.env, BENCH_APP_INSTANCE: JSON.stringify({ name, env, logFile }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`App instance ${name} was not up within ${BOOT_TIMEOUT_MS} ms`));
    }, BOOT_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`App instance ${name} exited with ${code} before it was up (its log: ${logFile})`)));
    child.on('message', (message: Reply | Ready) => {
      if ('type' in message) {
        clearTimeout(timer);
        resolve(message.url);
        return;
      }
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(message.error));
    });
  });
  child.removeAllListeners('exit');
  child.once('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`App instance ${name} exited with ${code}`));
    pending.clear();
  });
  const call = (method: Method) =>
    new Promise<unknown>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`App instance ${name} is not running`));
      const request: Request = { id: nextId++, method };
      pending.set(request.id, { resolve, reject });
      child.send(request);
    });
  return {
    name,
    pid: child.pid ?? -1,
    url,
    logFile,
    stats: () => call('stats') as Promise<AppInstanceStats>,
    inFlightLimit: () => call('inFlightLimit') as Promise<number>,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
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
      let reply: Reply;
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
