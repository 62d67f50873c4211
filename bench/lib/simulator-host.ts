import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { PemsFaultConfig } from '../../src/pems-simulator/pems-fault.injector';
import { SeedOptions } from '../../src/pems-simulator/pems-seed-data';
import { PemsSimulator } from '../../src/pems-simulator/pems-simulator';
import { PemsSimulatorCredentials } from '../../src/pems-simulator/pems-tenant.authenticator';
import { simulatorOps } from './simulator-ops';
import { SimLogEntry, SimReady, SimReply, SimRequest, SimulatorMethod, SimulatorOps, SimulatorStartOptions } from './simulator-protocol';

export type SimulatorMode = 'child' | 'in-process';

/** The benchmark's handle on the PEMS simulator, wherever it runs. */
export interface BenchSimulator {
  mode: SimulatorMode;
  baseUrl: string;
  /** The child's pid, or this process's. */
  pid: number;
  seed(organization: string, count: number, options: SeedOptions): Promise<number>;
  setRateLimit(perSecond: number | null): Promise<void>;
  setFaults(config: PemsFaultConfig): Promise<void>;
  setCredentials(tenant: string, credentials: PemsSimulatorCredentials): Promise<void>;
  clearLog(): Promise<void>;
  getLog(): Promise<SimLogEntry[]>;
  recordVersion(organization: string, pfaId: string): Promise<number | null>;
  stop(): Promise<void>;
}

function wrap(mode: SimulatorMode, baseUrl: string, pid: number, call: (method: SimulatorMethod, args: unknown[]) => Promise<unknown>, stop: () => Promise<void>): BenchSimulator {
  return {
    mode,
    baseUrl,
    pid,
    seed: (organization, count, options) => call('seed', [organization, count, options]) as Promise<number>,
    setRateLimit: async (perSecond) => void (await call('setRateLimit', [perSecond])),
    setFaults: async (config) => void (await call('setFaults', [config])),
    setCredentials: async (tenant, credentials) => void (await call('setCredentials', [tenant, credentials])),
    clearLog: async () => void (await call('clearLog', [])),
    getLog: () => call('getLog', []) as Promise<SimLogEntry[]>,
    recordVersion: (organization, pfaId) => call('recordVersion', [organization, pfaId]) as Promise<number | null>,
    stop,
  };
}

/** Starts the simulator in this process (`in-process`) or in a forked child (`child`, the default). */
export async function startBenchSimulator(mode: SimulatorMode, options: SimulatorStartOptions): Promise<BenchSimulator> {
  if (mode === 'in-process') {
    const simulator = new PemsSimulator(options);
    const ops: SimulatorOps = simulatorOps(simulator);
    const { baseUrl } = await simulator.start(0, '127.0.0.1');
    const call = async (method: SimulatorMethod, args: unknown[]) => (ops[method] as (...a: unknown[]) => unknown)(...args);
    return wrap(mode, baseUrl, process.pid, call, () => simulator.stop());
  }

  const child: ChildProcess = fork(join(__dirname, '..', 'simulator-child.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
    env: { ...process.env, BENCH_SIMULATOR_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The simulator child exited with ${code} before it was ready`)));
    child.on('message', (message: SimReply | SimReady) => {
      if ('type' in message) {
        resolve(message.baseUrl);
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
  const call = (method: SimulatorMethod, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const request: SimRequest = { id: nextId++, method, args };
      pending.set(request.id, { resolve, reject });
      child.send(request);
    });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGTERM'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return wrap('child', baseUrl, child.pid ?? -1, call, stop);
}
