import { PemsFaultConfig } from '../../src/pems-simulator/pems-fault.injector';
import { SeedOptions } from '../../src/pems-simulator/pems-seed-data';
import { PemsSimulator } from '../../src/pems-simulator/pems-simulator';
import { PemsSimulatorCredentials } from '../../src/pems-simulator/pems-tenant.authenticator';
import { SimLogEntry, SimulatorOps } from './simulator-protocol';

/** SimulatorOps on a PemsSimulator of this process. */
export function simulatorOps(simulator: PemsSimulator): SimulatorOps {
  return {
    seed: (organization: string, count: number, options: SeedOptions) => simulator.seed(organization, count, options),
    setRateLimit: (perSecond: number | null) => simulator.setRateLimit(perSecond),
    setFaults: (config: PemsFaultConfig) => simulator.setFaults(config),
    setCredentials: (tenant: string, credentials: PemsSimulatorCredentials) => simulator.setCredentials(tenant, credentials),
    clearLog: () => simulator.clearLog(),
    getLog: (): SimLogEntry[] =>
      simulator.getLog().map((entry) => ({
        at: entry.at,
        atUncertaintyMs: entry.atUncertaintyMs,
        action: entry.action,
        status: entry.status,
        pfaId: entry.pfaId,
        tenant: entry.tenant,
        organization: entry.organization,
        recordid: entry.recordid,
      })),
    recordVersion: (organization: string, pfaId: string) => simulator.getRecord(organization, pfaId)?.recordid ?? null,
  };
}
