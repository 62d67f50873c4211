import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { DEFAULT_PEMS_FIELD_MAP, PEMS_KEY_FIELDS, PEMS_LAST_MODIFIED_FIELD, PEMS_VERSION_FIELD } from '../pems-contract/pems-field-map';
import { PfaFieldName, isPfaFieldName } from '../pems-contract/pems-pfa-fields';
import { PemsFaultConfig, PemsFaultInjector } from './pems-fault.injector';
import { PemsRecordStore, SimulatedPemsRecord, SimulatedPemsRecordInput, checkPfaData } from './pems-record.store';
import { PemsRequestLog, PemsRequestLogEntry, preciseNow } from './pems-request.log';
import { PemsGridQuirks, PemsRestServicesHandler } from './pems-rest-services.handler';
import { SeedOptions, generateSeedRecords } from './pems-seed-data';
import { PemsSimulatorControlApi } from './pems-simulator-control.api';
import { PemsSimulatorControls } from './pems-simulator-controls';
import { PemsSimulatorError } from './pems-simulator.error';
import { PemsSimulatorRouter } from './pems-simulator.router';
import { PemsSimulatorCredentials, PemsTenantAuthenticator } from './pems-tenant.authenticator';
import { EventLoopDelayWatch } from './event-loop-delay.watch';
import { SlidingWindowRateLimiter } from './sliding-window-rate-limiter';

export const DEFAULT_SIMULATOR_BASE_PATH = '/axis/restservices';
export const DEFAULT_SIMULATOR_TENANT = 'PEMS_SIM';
export const DEFAULT_SIMULATOR_CREDENTIALS: Readonly<Required<PemsSimulatorCredentials>> = {
  username: 'pems-sim',
  password: 'pems-sim-password',
  apiKey: 'pems-sim-api-key',
};

export interface PemsSimulatorOptions {
  /** Where the contract endpoints live (default `/axis/restservices`). */
  basePath?: string;
  /** Tenants and the credentials each accepts (default: tenant `PEMS_SIM` with DEFAULT_SIMULATOR_CREDENTIALS). */
  tenants?: Record<string, PemsSimulatorCredentials>;
  /** Requests per second per tenant, null for no limit (default 10, as PEMS). */
  rateLimitPerSecond?: number | null;
  /** Status of a stale-recordid UPDATE: 409, or 400 like some EAM installations (default 409). */
  conflictStatus?: 409 | 400;
  /** PFA field -> PEMS name overrides of the simulator's table (default none). */
  fieldMap?: Record<string, string> | null;
  /** Most rows one grid page returns, whatever the client asks (default 500). */
  maxGridPageSize?: number;
  /** Grid answers that stray from the contract (default none). */
  gridQuirks?: PemsGridQuirks;
  faults?: PemsFaultConfig;
  /** Request log entries kept (default 10000, the oldest dropped first). */
  logLimit?: number;
  /**
   * Watch the event loop so that each log entry says how late its arrival time may be
   * (atUncertaintyMs): for tests and benchmarks that judge the rate limit by the log. Costs a
   * 1 ms timer. Default false.
   */
  watchArrivalDelay?: boolean;
}

export interface PemsSimulatorAddress {
  port: number;
  baseUrl: string;
}

/**
 * An in-memory PEMS (HxGN EAM REST) that implements PEMS_CONTRACT.md over real HTTP, plus
 * a control API under `/__sim`. Tests and the app's demo mode run it in-process; `npm run
 * pems:sim` runs it standalone. The methods below are what the control API calls.
 */
export class PemsSimulator implements PemsSimulatorControls {
  private readonly basePath: string;
  private readonly store = new PemsRecordStore();
  private readonly log: PemsRequestLog;
  private readonly rateLimiter: SlidingWindowRateLimiter;
  private readonly faults = new PemsFaultInjector();
  private readonly authenticator: PemsTenantAuthenticator;
  private conflictStatus: 409 | 400 = 409;
  private fieldMap: Record<PfaFieldName, string> = { ...DEFAULT_PEMS_FIELD_MAP };
  private maxGridPageSize = 500;
  private gridQuirks: PemsGridQuirks = {};
  private readonly router: PemsSimulatorRouter;
  private server: Server | null = null;
  private address: PemsSimulatorAddress | null = null;
  private readonly arrivalDelay: EventLoopDelayWatch | undefined;

  constructor(private readonly options: PemsSimulatorOptions = {}) {
    this.basePath = `/${(options.basePath ?? DEFAULT_SIMULATOR_BASE_PATH).replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
    this.log = new PemsRequestLog(options.logLimit ?? 10_000);
    this.rateLimiter = new SlidingWindowRateLimiter(10);
    this.authenticator = new PemsTenantAuthenticator({});
    this.applyOptions();
    this.arrivalDelay = options.watchArrivalDelay ? new EventLoopDelayWatch() : undefined;
    this.router = new PemsSimulatorRouter({
      basePath: this.basePath,
      log: this.log,
      rateLimiter: this.rateLimiter,
      faults: this.faults,
      authenticator: this.authenticator,
      services: new PemsRestServicesHandler(
        this.store,
        {
          fieldMap: () => this.fieldMap,
          conflictStatus: () => this.conflictStatus,
          maxGridPageSize: () => this.maxGridPageSize,
          gridQuirks: () => this.gridQuirks,
        },
        () => new Date(),
      ),
      control: new PemsSimulatorControlApi(this),
      arrivalDelay: this.arrivalDelay,
    });
  }

  async start(port = 0, host = '127.0.0.1'): Promise<PemsSimulatorAddress> {
    if (this.server) throw new Error('The PEMS simulator is already running');
    const server = createServer(this.router.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.arrivalDelay?.start();
    const actualPort = (server.address() as AddressInfo).port;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    this.address = { port: actualPort, baseUrl: `http://${urlHost}:${actualPort}${this.basePath}` };
    return { ...this.address };
  }

  /** Stops listening and closes every connection, including requests held by a timeout fault. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.address = null;
    this.arrivalDelay?.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** The contract base URL, e.g. `http://127.0.0.1:4010/axis/restservices`. */
  get baseUrl(): string {
    if (!this.address) throw new Error('The PEMS simulator is not running');
    return this.address.baseUrl;
  }

  /** The server root, where `/__sim` lives. */
  get controlUrl(): string {
    if (!this.address) throw new Error('The PEMS simulator is not running');
    return `${new URL(this.address.baseUrl).origin}/__sim`;
  }

  /** Replaces the organization's records with `count` generated ones; returns how many. */
  seed(organization: string, count: number, options: SeedOptions = {}): number {
    this.store.replaceOrganization(organization, generateSeedRecords(organization, count, options));
    return count;
  }

  /** Back to the state after construction: no records, empty log, the options' settings and faults. */
  reset(): void {
    this.store.clear();
    this.log.clear();
    this.applyOptions();
  }

  getRecord(organization: string, pfaId: string): SimulatedPemsRecord | null {
    return this.store.get(organization, pfaId);
  }

  listRecords(organization: string, offset = 0, limit = 100): { records: SimulatedPemsRecord[]; total: number } {
    return this.store.page(organization, offset, limit);
  }

  /** Stores a record exactly as given (recordid 1 and now as lastModified unless given). */
  putRecord(input: SimulatedPemsRecordInput): SimulatedPemsRecord {
    if (input.recordid !== undefined && (!Number.isInteger(input.recordid) || input.recordid < 0)) {
      throw new PemsSimulatorError(400, 'InvalidRequest', 'recordid must be a non-negative integer.');
    }
    return this.store.put(input, new Date());
  }

  /** A change made in PEMS by someone else: the given fields, recordid one higher. */
  changeRecord(organization: string, pfaId: string, fields: Record<string, unknown>): SimulatedPemsRecord {
    return this.store.update(organization, pfaId, checkPfaData(fields), new Date());
  }

  deleteRecord(organization: string, pfaId: string): boolean {
    return this.store.delete(organization, pfaId);
  }

  /** Replaces the fault configuration (shares, latency, timeouts, drops, a 401 window, seed). */
  setFaults(config: PemsFaultConfig): void {
    this.faults.configure(config, preciseNow());
  }

  getFaults(): PemsFaultConfig {
    return this.faults.current();
  }

  clearFaults(): void {
    this.faults.configure({}, preciseNow());
  }

  /** Requests per second; null lifts the limit. Without a tenant: every tenant's limit. */
  setRateLimit(perSecond: number | null, tenant?: string): void {
    this.rateLimiter.setLimit(perSecond, tenant);
  }

  getRateLimit(tenant?: string): number | null {
    return this.rateLimiter.limitFor(tenant ?? '');
  }

  setConflictStatus(status: 409 | 400): void {
    this.conflictStatus = status;
  }

  setCredentials(tenant: string, credentials: PemsSimulatorCredentials): void {
    this.authenticator.set(tenant, credentials);
  }

  getTenants(): Record<string, PemsSimulatorCredentials> {
    return this.authenticator.list();
  }

  /** PFA field -> PEMS name overrides of the wire names (null: the contract's defaults). */
  setFieldMap(override: Record<string, string> | null): void {
    const map: Record<PfaFieldName, string> = { ...DEFAULT_PEMS_FIELD_MAP };
    for (const [field, pemsName] of Object.entries(override ?? {})) {
      if (!isPfaFieldName(field)) throw new PemsSimulatorError(400, 'InvalidRequest', `fieldMap: ${field} is not a PFA field.`);
      if (typeof pemsName !== 'string' || pemsName === '') {
        throw new PemsSimulatorError(400, 'InvalidRequest', `fieldMap: ${field} needs a PEMS field name.`);
      }
      map[field] = pemsName;
    }
    const reserved = [PEMS_KEY_FIELDS.pfaId, PEMS_KEY_FIELDS.organization, PEMS_VERSION_FIELD, PEMS_LAST_MODIFIED_FIELD];
    const names = Object.values(map);
    if (new Set(names).size !== names.length || names.some((name) => reserved.includes(name as (typeof reserved)[number]))) {
      throw new PemsSimulatorError(400, 'InvalidRequest', 'fieldMap: every PFA field needs its own PEMS name.');
    }
    this.fieldMap = map;
  }

  getFieldMap(): Record<PfaFieldName, string> {
    return { ...this.fieldMap };
  }

  setMaxGridPageSize(maxRows: number): void {
    this.maxGridPageSize = maxRows;
  }

  /** Replaces the grid's quirks; `{}` puts the grid back to the contract. */
  setGridQuirks(quirks: PemsGridQuirks): void {
    const known = new Set<string>(['recordsReported', 'stuckCursorAt']);
    const checked: PemsGridQuirks = {};
    for (const [name, value] of Object.entries(quirks)) {
      if (!known.has(name)) throw new PemsSimulatorError(400, 'InvalidRequest', `gridQuirks: ${name} is not a grid quirk (recordsReported, stuckCursorAt).`);
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new PemsSimulatorError(400, 'InvalidRequest', `gridQuirks: ${name} must be a non-negative integer.`);
      }
      checked[name as keyof PemsGridQuirks] = value;
    }
    this.gridQuirks = checked;
  }

  getGridQuirks(): PemsGridQuirks {
    return { ...this.gridQuirks };
  }

  getLog(sinceSeq = 0): PemsRequestLogEntry[] {
    return this.log.list(sinceSeq);
  }

  clearLog(): void {
    this.log.clear();
  }

  private applyOptions(): void {
    const options = this.options;
    this.rateLimiter.setLimit(options.rateLimitPerSecond === undefined ? 10 : options.rateLimitPerSecond);
    this.rateLimiter.clearWindows();
    this.faults.configure(options.faults ?? {}, preciseNow());
    this.authenticator.replaceAll(options.tenants ?? { [DEFAULT_SIMULATOR_TENANT]: { ...DEFAULT_SIMULATOR_CREDENTIALS } });
    this.conflictStatus = options.conflictStatus ?? 409;
    this.setFieldMap(options.fieldMap ?? null);
    this.maxGridPageSize = options.maxGridPageSize ?? 500;
    this.setGridQuirks(options.gridQuirks ?? {});
  }
}
