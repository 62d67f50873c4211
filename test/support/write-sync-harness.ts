import { LoggerService } from '@nestjs/common';
import request from 'supertest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Organization } from '../../src/organizations/entities/organization.entity';
import { ThreadedPemsSimulator } from './threaded-simulator';
import { PemsRequestLogEntry } from '../../src/pems-simulator/pems-request.log';
import { FaultDecision, PemsFaultConfig, PemsFaultInjector } from '../../src/pems-simulator/pems-fault.injector';
import { SeededRandom } from '../../src/pems-simulator/seeded-random';
import { PfaModification } from '../../src/pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../../src/pfa/entities/pfa-record.entity';
import { PfaWriteQueueItem } from '../../src/write-queue/entities/pfa-write-queue.entity';
import { Claim, WriteQueueService } from '../../src/write-queue/write-queue.service';
import { ServerAuthPauseService } from '../../src/write-sync/server-auth-pause.service';
import { WriteSyncWorker } from '../../src/write-sync/write-sync.worker';
import { cleanDatabase } from './clean-database';
import { FailingQueueWrites } from './database-locks';
import { Fixtures, TestUser } from './fixtures';
import { SIM_CREDENTIALS, SIM_TENANT, connectToSimulator, startSimulator } from './pems-simulator-fixture';
import { TestApp, createTestApp } from './test-app';

/** Delays short enough for tests; the rules are the same as with the defaults. */
export const FAST_WRITE_SYNC_ENV: Record<string, string> = {
  PEMS_WRITE_SYNC_RETRY_DELAYS_MS: '1000,2000,3000',
  PEMS_WRITE_SYNC_LEASE_MS: '3000',
  PEMS_REQUEST_TIMEOUT_MS: '1500',
  PEMS_AUTH_PAUSE_MS: '3000',
};

/**
 * One app (worker running) on the test database, one PEMS simulator on loopback and an
 * organization RIO whose API server points at it, read-synced from the simulator.
 * `planner` may read, edit and sync; `colleague` too (a second person editing); `admin`
 * administers RIO.
 */
export class WriteSyncHarness {
  fixtures!: Fixtures;
  rio!: Organization;
  planner!: TestUser;
  colleague!: TestUser;
  admin!: TestUser;

  private constructor(
    readonly testApp: TestApp,
    readonly simulator: ThreadedPemsSimulator,
    readonly baseUrl: string,
  ) {
    this.fixtures = new Fixtures(testApp);
  }

  static async start(env: Record<string, string> = {}, logger?: LoggerService): Promise<WriteSyncHarness> {
    const testApp = await createTestApp({ ...FAST_WRITE_SYNC_ENV, ...env }, logger);
    const { simulator, baseUrl } = await startSimulator();
    return new WriteSyncHarness(testApp, simulator, baseUrl);
  }

  async stop(): Promise<void> {
    await this.simulator.stop();
    await this.testApp.close();
  }

  /** A clean database, `records` PEMS records mirrored, and an empty simulator log. */
  async reset(records = 20, serverOverrides: Record<string, unknown> = {}): Promise<void> {
    await this.quiesce();
    await FailingQueueWrites.removeAll((sql) => this.dataSource.query(sql));
    await cleanDatabase(this.testApp.dataSource);
    // The tenant's send slots and Retry-After pause survive TRUNCATE: start each test without a pause.
    await this.testApp.dataSource.query('DELETE FROM pems_rate_limits');
    this.simulator.reset();
    this.simulator.clearFaults();
    this.simulator.seed('RIO', records, { seed: 3 });
    this.rio = await this.fixtures.organization('RIO');
    this.planner = await this.fixtures.user('planner', [[this.rio, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
    this.colleague = await this.fixtures.user('colleague', [[this.rio, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
    this.admin = await this.fixtures.user('rio-admin', [[this.rio, ['perm_Read', 'perm_Edit', 'perm_Sync', 'perm_Admin']]]);
    await connectToSimulator(this.testApp, this.rio, this.baseUrl, serverOverrides);
    await this.readSync();
    this.simulator.clearLog();
  }

  /**
   * Lets the worker finish what it holds before the database is emptied: no server may be
   * claimed for, and the current run (with its in-flight items) ends. Without this a test's
   * leftover sends would land in the next test.
   */
  async quiesce(apps: TestApp[] = [this.testApp]): Promise<void> {
    await this.dataSource.query('UPDATE api_servers SET is_active = false');
    for (const app of apps) await app.app.get(WriteSyncWorker).idle();
  }

  /** Keeps what each claim of this app's worker answers (whether it passed items by), until stopWatching. */
  watchClaims(): { claims: Claim[]; stopWatching: () => void } {
    const queue = this.testApp.app.get(WriteQueueService);
    const claim = queue.claim.bind(queue);
    const claims: Claim[] = [];
    const spy = jest.spyOn(queue, 'claim').mockImplementation(async (...args) => {
      const result = await claim(...args);
      claims.push(result);
      return result;
    });
    return { claims, stopWatching: () => spy.mockRestore() };
  }

  /** This app's write-sync worker. */
  worker(): WriteSyncWorker {
    return this.testApp.app.get(WriteSyncWorker);
  }

  http() {
    return request(this.testApp.app.getHttpServer());
  }

  as(user: TestUser = this.planner) {
    return { Authorization: `Bearer ${user.token}` };
  }

  get dataSource() {
    return this.testApp.dataSource;
  }

  async readSync(): Promise<void> {
    await this.http().post('/api/pems/read-sync').set(this.as()).send({ organizationId: this.rio.id }).expect(200);
  }

  recordOf(pfaId: string): Promise<PfaRecord> {
    return this.dataSource.getRepository(PfaRecord).findOneByOrFail({ organizationId: this.rio.id, pfaId });
  }

  /** PATCH /api/pfa/:id as `user`; answers the new modification's id. */
  async edit(pfaId: string, changes: Record<string, unknown>, user: TestUser = this.planner): Promise<string> {
    const record = await this.recordOf(pfaId);
    const response = await this.http().patch(`/api/pfa/${record.id}`).set(this.as(user)).send({ changes });
    if (response.status !== 201) throw new Error(`PATCH ${pfaId} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  }

  /** POST /api/pems/write-sync for RIO (all pending, or the listed ones); answers the response. */
  queue(body: Record<string, unknown> = {}, user: TestUser = this.planner) {
    return this.http()
      .post('/api/pems/write-sync')
      .set(this.as(user))
      .send({ organizationId: this.rio.id, ...body });
  }

  async queueOk(body: Record<string, unknown> = {}): Promise<{ success: boolean; jobId: string | null; queuedCount: number; estimatedCompletionTime: string }> {
    const response = await this.queue(body);
    if (response.status !== 200) throw new Error(`write-sync answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  modification(id: string): Promise<PfaModification> {
    return this.dataSource.getRepository(PfaModification).findOneByOrFail({ id });
  }

  /** Every queue item of a modification, oldest first. */
  itemsOf(modificationId: string): Promise<PfaWriteQueueItem[]> {
    return this.dataSource.getRepository(PfaWriteQueueItem).find({ where: { modificationId }, order: { seq: 'ASC' } });
  }

  async itemOf(modificationId: string): Promise<PfaWriteQueueItem> {
    const items = await this.itemsOf(modificationId);
    if (items.length !== 1) throw new Error(`Expected one queue item for ${modificationId}, found ${items.length}`);
    return items[0];
  }

  async queueRowCount(): Promise<number> {
    const [{ count }] = await this.dataSource.query('SELECT count(*)::int AS count FROM pfa_write_queue');
    return count;
  }

  /** The simulator's UPDATE requests (optionally of one record), in arrival order. */
  updates(pfaId?: string): PemsRequestLogEntry[] {
    return this.simulator
      .getLog()
      .filter((entry) => entry.action === 'UPDATE' && (pfaId === undefined || entry.pfaId === pfaId))
      .sort((a, b) => a.at - b.at);
  }

  /** RIO's API server is paused as if PEMS had rejected its credentials, until far in the future: nothing is claimed. */
  async holdServer(): Promise<void> {
    await this.testApp.app.get(ServerAuthPauseService).credentialsRejected(this.rio.id, 'held by the test', 24 * 60 * 60 * 1000);
  }

  async releaseServer(): Promise<void> {
    await this.testApp.dataSource.transaction((manager) => this.testApp.app.get(ServerAuthPauseService).credentialsReplaced(manager, this.rio.id));
  }

  /** An admin sets RIO's server through the API (the simulator's tenant), with the given changes. */
  putApiServer(overrides: Record<string, unknown>) {
    return this.http()
      .put(`/api/admin/organizations/${this.rio.id}/api-server`)
      .set(this.as(this.admin))
      .send({ name: 'PEMS simulator', baseUrl: this.baseUrl, tenant: SIM_TENANT, authType: 'basic', writeEnabled: true, rateLimitPerSecond: 10, ...overrides });
  }

  syncStatus(query: Record<string, string> = {}) {
    return this.http()
      .get('/api/pems/sync-status')
      .query({ organizationId: this.rio.id, ...query })
      .set(this.as());
  }
}

export { SIM_CREDENTIALS, SIM_TENANT };

/** Polls `probe` until it answers something truthy, or fails with `description` after `timeoutMs`. */
export async function waitUntil<T>(description: string, probe: () => Promise<T> | T, timeoutMs = 20_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await sleep(intervalMs);
  }
}

/**
 * A fault seed under which, with `share` of requests faulty, the first request after
 * setFaults is faulty and the next `following` are not: "the first attempt fails, then
 * PEMS is fine", without racing the worker to clear the faults.
 */
export function seedFaultingOnlyFirst(share: number, following = 30): number {
  for (let seed = 1; seed < 1_000_000; seed += 1) {
    const random = new SeededRandom(seed);
    if (random.next() >= share) continue;
    let clean = true;
    for (let i = 0; i < following && clean; i += 1) clean = random.next() >= share;
    if (clean) return seed;
  }
  throw new Error('No seed found');
}

/** A fault decision as a short word: 'none', 'timeout', 'drop', 'lost_response', or the injected status ('503'). */
function describeFault(decision: FaultDecision): string {
  return decision.kind === 'status' ? String(decision.status) : decision.kind;
}

/**
 * A fault seed under which the simulator's first requests meet exactly `pattern` (e.g.
 * ['503', 'timeout', 'none']) and the `clean` requests after them no fault, with the shares of
 * `config`: a sequence of faults a test can rely on without racing the worker to change them.
 */
export function seedForFaultSequence(config: PemsFaultConfig, pattern: string[], clean = 30): number {
  const wanted = [...pattern, ...Array.from({ length: clean }, () => 'none')];
  for (let seed = 1; seed < 2_000_000; seed += 1) {
    const injector = new PemsFaultInjector();
    injector.configure({ ...config, seed }, 0);
    if (wanted.every((kind) => describeFault(injector.decide()) === kind)) return seed;
  }
  throw new Error(`No seed gives the fault sequence ${pattern.join(', ')}`);
}

/** The first `count` pfaIds of the simulator's seeded records. */
export function pfaIds(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, index) => `PFA-${10001 + from + index}`);
}
