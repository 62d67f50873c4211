import { join } from 'node:path';
import { PemsFaultConfig } from '../../src/pems-simulator/pems-fault.injector';
import { SeedOptions } from '../../src/pems-simulator/pems-seed-data';
import { PemsSimulator } from '../../src/pems-simulator/pems-simulator';
import { PemsSimulatorCredentials } from '../../src/pems-simulator/pems-tenant.authenticator';
import { simulatorOps } from './simulator-ops';
import { forkIpcChild } from './ipc-child';
import { SimLogEntry, SimReady, SimulatorMethod, SimulatorOps, SimulatorStartOptions } from './simulator-protocol';

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

  const simulator = await forkIpcChild<SimulatorMethod, SimReady>({
    what: 'The simulator child',
    file: join(__dirname, '..', 'simulator-child.ts'),
    env: { BENCH_SIMULATOR_OPTIONS: JSON.stringify(options) },
    readyTimeoutMs: 60_000,
    stop: { signal: 'SIGTERM', killAfterMs: 5000 },
  });
  return wrap('child', simulator.ready.baseUrl, simulator.child.pid ?? -1, simulator.call, simulator.stop);
}
