import { IpcReady, IpcReply } from './ipc-child';
import { PemsFaultConfig } from '../../src/pems-simulator/pems-fault.injector';
import { SeedOptions } from '../../src/pems-simulator/pems-seed-data';
import { PemsSimulatorCredentials } from '../../src/pems-simulator/pems-tenant.authenticator';

/** What the benchmarks read from the simulator's request log (arrival time on the wall clock, sub-millisecond). */
export interface SimLogEntry {
  at: number;
  /** How much earlier the request may really have arrived (the simulator's event loop was busy), ms. */
  atUncertaintyMs: number | null;
  action: string | null;
  status: number | null;
  pfaId: string | null;
  /** The request's `tenant` and `organization` headers, and the recordid an UPDATE was based on. */
  tenant: string | null;
  organization: string | null;
  recordid: number | null;
}

export interface SimulatorStartOptions {
  tenants: Record<string, PemsSimulatorCredentials>;
  rateLimitPerSecond: number | null;
  logLimit: number;
  watchArrivalDelay: boolean;
}

/** The simulator operations the benchmarks use, the same in-process and across the child process's IPC. */
export interface SimulatorOps {
  seed(organization: string, count: number, options: SeedOptions): number;
  setRateLimit(perSecond: number | null): void;
  setFaults(config: PemsFaultConfig): void;
  /** Adds a tenant (or replaces its credentials). */
  setCredentials(tenant: string, credentials: PemsSimulatorCredentials): void;
  clearLog(): void;
  getLog(): SimLogEntry[];
  recordVersion(organization: string, pfaId: string): number | null;
}

export type SimulatorMethod = keyof SimulatorOps;

export interface SimRequest {
  id: number;
  method: SimulatorMethod;
  args: unknown[];
}

export type SimReply = IpcReply;
export type SimReady = IpcReady & { baseUrl: string };
