import { PfaFieldName } from '../pems-contract/pems-pfa-fields';
import { PemsFaultConfig } from './pems-fault.injector';
import { SimulatedPemsRecord, SimulatedPemsRecordInput } from './pems-record.store';
import { PemsRequestLogEntry } from './pems-request.log';
import { PemsGridQuirks } from './pems-rest-services.handler';
import { SeedOptions } from './pems-seed-data';
import { PemsSimulatorCredentials } from './pems-tenant.authenticator';

/**
 * What can be done to a running simulator from outside PEMS's own API: seeding, editing records
 * as another PEMS user, faults, limits, settings and the request log. PemsSimulator implements
 * it; its control API under `/__sim` drives it over HTTP (and so needs no import of the
 * simulator that serves it).
 */
export interface PemsSimulatorControls {
  seed(organization: string, count: number, options?: SeedOptions): number;
  reset(): void;
  getRecord(organization: string, pfaId: string): SimulatedPemsRecord | null;
  listRecords(organization: string, offset?: number, limit?: number): { records: SimulatedPemsRecord[]; total: number };
  putRecord(input: SimulatedPemsRecordInput): SimulatedPemsRecord;
  changeRecord(organization: string, pfaId: string, fields: Record<string, unknown>): SimulatedPemsRecord;
  deleteRecord(organization: string, pfaId: string): boolean;
  setFaults(config: PemsFaultConfig): void;
  getFaults(): PemsFaultConfig;
  clearFaults(): void;
  setRateLimit(perSecond: number | null, tenant?: string): void;
  getRateLimit(tenant?: string): number | null;
  setConflictStatus(status: 409 | 400): void;
  setCredentials(tenant: string, credentials: PemsSimulatorCredentials): void;
  getTenants(): Record<string, PemsSimulatorCredentials>;
  setFieldMap(override: Record<string, string> | null): void;
  getFieldMap(): Record<PfaFieldName, string>;
  setMaxGridPageSize(maxRows: number): void;
  setGridQuirks(quirks: PemsGridQuirks): void;
  getGridQuirks(): PemsGridQuirks;
  getLog(sinceSeq?: number): PemsRequestLogEntry[];
  clearLog(): void;
}
