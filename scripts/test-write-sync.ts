/**
 * npm run test:write-sync: write sync end to end against a RUNNING pems-sync and its PEMS
 * simulator (demo mode, or `npm run pems:sim`). It edits two records through the API, waits
 * for them to reach PEMS, checks PEMS's copy through the simulator's control API, and walks
 * one conflict through to its resolution. Nothing but the API, the simulator and Node's fetch.
 *
 * Exit codes: 0 every step passed (a skipped part is said so), 1 a step failed, 2 wrong usage.
 */

const USAGE = `Usage: TEST_AUTH_TOKEN=<jwt> npm run test:write-sync

Checks write sync end to end against a running pems-sync and PEMS simulator.

  TEST_AUTH_TOKEN        required: a bearer token (POST /api/auth/login's accessToken)
  PEMS_SYNC_API_URL      the service (default http://localhost:3000)
  TEST_ORGANIZATION_ID   the organization to test in (default: the first one of
                         /api/auth/me where the caller holds perm_Edit and perm_Sync)
  PEMS_SIM_URL           the simulator's control API root, e.g. http://127.0.0.1:4010 (default:
                         the origin of the organization's API server, when the caller may read it)
  TEST_SYNC_TIMEOUT_MS   how long to wait for each sync or conflict (default 60000)

Exit codes: 0 all steps passed, 1 a step failed, 2 wrong usage.`;

interface Membership {
  organizationId: string;
  code: string;
  name: string;
  permissions: string[];
}

interface Me {
  username: string;
  isSuperadmin: boolean;
  organizations: Membership[];
}

interface PfaRecordView {
  id: string;
  pfaId: string;
  version: number;
  values: Record<string, unknown>;
  syncState: string;
  deletedInPemsAt: string | null;
}

interface Modification {
  id: string;
  status: string;
  changes: Record<string, unknown>;
  syncError?: string | null;
}

interface Conflict {
  id: string;
  pfaId: string;
  modificationId: string;
  conflictFields: string[];
  localData: Record<string, unknown>;
  pemsData: Record<string, unknown>;
  status: string;
}

interface SimRecord {
  pfaId: string;
  recordid: number;
  data: Record<string, unknown>;
}

interface Settings {
  token: string;
  apiUrl: string;
  organizationId?: string;
  simUrl?: string;
  timeoutMs: number;
}

class UsageError extends Error {}

/** A step that did not pass; its message is the report line's reason. */
class StepFailure extends Error {}

const REQUEST_TIMEOUT_MS = 15_000;
const POLL_MS = 500;

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const token = env.TEST_AUTH_TOKEN?.trim().replace(/^Bearer\s+/i, '');
  if (!token) throw new UsageError('TEST_AUTH_TOKEN is not set.');
  const url = (name: string, value: string): string => {
    try {
      const parsed = new URL(value);
      if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error();
      return value.replace(/\/+$/, '');
    } catch {
      throw new UsageError(`${name} must be an http(s) URL, not "${value}".`);
    }
  };
  const organizationId = env.TEST_ORGANIZATION_ID?.trim() || undefined;
  if (organizationId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(organizationId)) {
    throw new UsageError(`TEST_ORGANIZATION_ID must be a UUID, not "${organizationId}".`);
  }
  const timeoutMs = Number(env.TEST_SYNC_TIMEOUT_MS ?? 60_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('TEST_SYNC_TIMEOUT_MS must be a positive whole number of milliseconds.');
  return {
    token,
    apiUrl: url('PEMS_SYNC_API_URL', env.PEMS_SYNC_API_URL?.trim() || 'http://localhost:3000'),
    organizationId,
    // The control API lives under /__sim of the simulator's root; accept either.
    simUrl: env.PEMS_SIM_URL?.trim() ? url('PEMS_SIM_URL', env.PEMS_SIM_URL.trim()).replace(/\/__sim$/, '') : undefined,
    timeoutMs,
  };
}

/** The report: one line per step, with ✓, ✗ or – (skipped) and how long it took. */
class StepReport {
  passed = 0;
  failed = 0;
  skipped = 0;
  private readonly startedAt = Date.now();

  async step<T>(title: string, run: () => Promise<{ value: T; detail?: string }>): Promise<T> {
    const started = Date.now();
    try {
      const { value, detail } = await run();
      this.passed += 1;
      this.line('✓', title, detail, Date.now() - started);
      return value;
    } catch (error) {
      this.failed += 1;
      const reason = error instanceof StepFailure ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
      this.line('✗', title, reason, Date.now() - started);
      throw new StepFailure(`${title}: ${reason}`);
    }
  }

  /** A step whose work was done elsewhere (a search with fallbacks), `ms` long. */
  pass(title: string, detail: string, ms: number): void {
    this.passed += 1;
    this.line('✓', title, detail, ms);
  }

  skip(title: string, why: string): void {
    this.skipped += 1;
    this.line('–', title, `skipped: ${why}`);
  }

  info(text: string): void {
    process.stdout.write(`  ${text}\n`);
  }

  summary(): void {
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    const skipped = this.skipped > 0 ? `, ${this.skipped} skipped` : '';
    process.stdout.write(`\n${this.failed === 0 ? '✓' : '✗'} ${this.passed} passed, ${this.failed} failed${skipped} in ${seconds} s\n`);
  }

  private line(mark: string, title: string, detail?: string, ms?: number): void {
    const timing = ms === undefined ? '' : ` (${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`})`;
    process.stdout.write(`${mark} ${title}${detail ? `: ${detail}` : ''}${timing}\n`);
  }
}

interface Answer<T> {
  status: number;
  body: T;
}

/** JSON over fetch; answers the status and the parsed body, whatever the status. */
async function call<T = unknown>(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new StepFailure(`${init.method ?? 'GET'} ${url} did not answer (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: keep the text, for the error message.
  }
  return { status: response.status, body: body as T };
}

/** The answer's body when its status is `expected`; otherwise a failure naming the status and the server's message. */
function expectStatus<T>(answer: Answer<T>, expected: number, what: string): T {
  if (answer.status === expected) return answer.body;
  const body = answer.body as { message?: string; code?: string; errors?: Array<{ field: string; message: string }> } | string | null;
  const message =
    typeof body === 'object' && body
      ? [body.code, body.message, ...(body.errors ?? []).map((error) => `${error.field}: ${error.message}`)].filter(Boolean).join(' — ')
      : String(body ?? '').slice(0, 200);
  throw new StepFailure(`${what} answered ${answer.status}${message ? ` (${message})` : ''}, expected ${expected}`);
}

/** Calls `probe` every POLL_MS until it answers something, or fails after `timeoutMs` with `what`. */
async function waitUntil<T>(timeoutMs: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new StepFailure(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

class WriteSyncCheck {
  private readonly report = new StepReport();
  private readonly api: string;
  private organization?: { id: string; code?: string; name?: string };
  private sim?: string;
  /** Our modifications that may still be pending if a step fails: discarded at the end. */
  private readonly created = new Set<string>();

  constructor(private readonly settings: Settings) {
    this.api = settings.apiUrl;
  }

  async run(): Promise<number> {
    process.stdout.write(`Write sync check against ${this.api}\n\n`);
    try {
      await this.checkHealth();
      this.organization = await this.chooseOrganization();
      this.sim = await this.findSimulator();
      const [first, second] = await this.pickRecords();
      await this.syncOneEdit(first);
      if (this.sim && this.organization.code) await this.walkConflict(second);
      else this.report.skip('Conflict: edit locally and in PEMS, queue, resolve with use_local', 'no simulator control API (set PEMS_SIM_URL to the simulator root)');
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
    } finally {
      await this.cleanUp();
      if (this.organization) await this.printSyncStatus().catch(() => undefined);
      this.report.summary();
    }
    return this.report.failed === 0 ? 0 : 1;
  }

  private get token(): string {
    return this.settings.token;
  }

  private checkHealth(): Promise<void> {
    return this.report.step('Health', async () => {
      const answer = await call<{ status: string; info?: Record<string, { status: string }>; error?: Record<string, { status: string; message?: string }> }>(`${this.api}/health`);
      const parts = Object.entries({ ...answer.body?.info, ...answer.body?.error }).map(([name, part]) => `${name} ${part.status}`);
      if (answer.status !== 200 || answer.body?.status !== 'ok') throw new StepFailure(`/health answered ${answer.status}: ${parts.join(', ') || JSON.stringify(answer.body)}`);
      if (answer.body.info?.writeSyncWorker?.status !== 'up') throw new StepFailure(`the write-sync worker is not up (${parts.join(', ')})`);
      return { value: undefined, detail: parts.join(', ') };
    });
  }

  private chooseOrganization(): Promise<{ id: string; code?: string; name?: string }> {
    return this.report.step('Caller and organization', async () => {
      const me = expectStatus(await call<Me>(`${this.api}/api/auth/me`, { token: this.token }), 200, 'GET /api/auth/me');
      const canSync = (membership: Membership) => membership.permissions.includes('perm_Edit') && membership.permissions.includes('perm_Sync');
      const wanted = this.settings.organizationId;
      const membership = wanted ? me.organizations.find((candidate) => candidate.organizationId === wanted) : me.organizations.find(canSync);
      if (wanted && !membership && !me.isSuperadmin) throw new StepFailure(`${me.username} is not a member of TEST_ORGANIZATION_ID ${wanted}`);
      if (membership && !canSync(membership) && !me.isSuperadmin) throw new StepFailure(`${me.username} lacks perm_Edit and perm_Sync in ${membership.code}`);
      if (!wanted && !membership) throw new StepFailure(`${me.username} holds perm_Edit and perm_Sync in no organization; set TEST_ORGANIZATION_ID`);
      const organization = { id: wanted ?? membership!.organizationId, code: membership?.code, name: membership?.name };
      return { value: organization, detail: `${me.username} in ${organization.code ?? organization.id}${organization.name ? ` (${organization.name})` : ''}` };
    });
  }

  /**
   * The simulator's root: PEMS_SIM_URL, else the origin of the organization's API server
   * (readable by admins); the first where a simulator's control API answers. None: the
   * parts that need it are skipped, and the report says why.
   */
  private async findSimulator(): Promise<string | undefined> {
    const organization = this.organization!;
    const title = 'PEMS simulator control API';
    if (!organization.code) {
      this.report.skip(title, 'the organization code is unknown (the caller is not a member), so PEMS records cannot be addressed');
      return undefined;
    }
    const tried: string[] = [];
    const candidates: Array<{ source: string; root: () => Promise<string | undefined> }> = [
      { source: 'PEMS_SIM_URL', root: async () => this.settings.simUrl },
      {
        source: "the organization's API server",
        root: async () => {
          const server = await call<{ baseUrl?: string }>(`${this.api}/api/admin/organizations/${organization.id}/api-server`, { token: this.token });
          if (server.status === 200 && server.body?.baseUrl) return new URL(server.body.baseUrl).origin;
          tried.push(`the API server's address is not readable by this caller (GET /api/admin/organizations/{id}/api-server answered ${server.status})`);
          return undefined;
        },
      },
    ];
    const started = Date.now();
    for (const { source, root } of candidates) {
      const candidate = await root().catch(() => undefined);
      if (!candidate) continue;
      const answer = await call(`${candidate}/__sim/rate-limit`).catch((error: Error) => ({ status: 0, body: error.message }));
      if (answer.status === 200) {
        const despite = tried.length > 0 ? `; ${tried.join('; ')}` : '';
        this.report.pass(title, `${candidate}/__sim (from ${source}${despite})`, Date.now() - started);
        return candidate;
      }
      tried.push(`${source} ${candidate}: ${answer.status === 0 ? String(answer.body) : `/__sim answered ${answer.status}`}`);
    }
    this.report.skip(title, `no simulator found (${tried.join('; ') || 'PEMS_SIM_URL not set'}); set PEMS_SIM_URL to the simulator's root`);
    return undefined;
  }

  private pickRecords(): Promise<[PfaRecordView, PfaRecordView]> {
    return this.report.step('Pick two records', async () => {
      const page = expectStatus(
        await call<{ items: PfaRecordView[]; total: number }>(`${this.api}/api/pfa?organizationId=${this.organization!.id}&pageSize=100`, { token: this.token }),
        200,
        'GET /api/pfa',
      );
      // Records nobody is editing, so that our edits are ours alone and the conflict is the one we make.
      const quiet = page.items.filter((record) => record.syncState === 'synced' && !record.deletedInPemsAt);
      if (quiet.length < 2) throw new StepFailure(`found ${quiet.length} of the 2 records needed without unsynced edits (of ${page.total})`);
      const picked: [PfaRecordView, PfaRecordView] = [quiet[0], quiet[Math.min(1 + Math.floor(Math.random() * (quiet.length - 1)), quiet.length - 1)]];
      return { value: picked, detail: picked.map((record) => `${record.pfaId} (version ${record.version}, monthlyRate ${String(record.values.monthlyRate)})`).join(' and ') };
    });
  }

  private async syncOneEdit(record: PfaRecordView): Promise<void> {
    const rate = newRate(record.values.monthlyRate, 137);
    const modification = await this.edit(`Edit ${record.pfaId}`, record, rate);
    await this.queue(modification.id);
    const synced = await this.waitForSync(record, modification.id);
    if (this.sim && this.organization!.code) await this.checkPems(record.pfaId, rate, synced.version);
    else this.report.skip(`PEMS holds monthlyRate ${rate} for ${record.pfaId}`, 'no simulator control API to read PEMS with (set PEMS_SIM_URL)');
  }

  private async walkConflict(record: PfaRecordView): Promise<void> {
    const ours = newRate(record.values.monthlyRate, 251);
    const theirs = newRate(record.values.monthlyRate, 911);
    const modification = await this.edit(`Edit ${record.pfaId} (conflict to be)`, record, ours);
    await this.report.step(`Change ${record.pfaId}'s monthlyRate in PEMS, as another PEMS user`, async () => {
      const changed = expectStatus(
        await call<SimRecord>(`${this.sim}/__sim/records/${encodeURIComponent(this.organization!.code!)}/${encodeURIComponent(record.pfaId)}/change`, {
          method: 'POST',
          body: { fields: { monthlyRate: theirs } },
        }),
        200,
        'the simulator',
      );
      return { value: undefined, detail: `monthlyRate ${theirs}, PEMS recordid ${changed.recordid}` };
    });
    await this.queue(modification.id);
    const conflict = await this.report.step('Wait for the conflict', async () => {
      const found = await waitUntil(this.settings.timeoutMs, 'no conflict appeared', async () => {
        const list = expectStatus(
          await call<{ conflicts: Conflict[] }>(`${this.api}/api/pems/conflicts?organizationId=${this.organization!.id}&status=unresolved&pageSize=500`, { token: this.token }),
          200,
          'GET /api/pems/conflicts',
        );
        const mine = list.conflicts.find((candidate) => candidate.modificationId === modification.id);
        if (mine) return mine;
        await this.failIfSettled(record, modification.id, ['synced', 'failed']);
        return undefined;
      });
      const fields = found.conflictFields.map((field) => `${field}: ours ${String(found.localData[field])}, PEMS ${String(found.pemsData[field])}`).join('; ');
      if (!found.conflictFields.includes('monthlyRate')) throw new StepFailure(`the conflict names ${found.conflictFields.join(', ')}, not monthlyRate`);
      return { value: found, detail: fields };
    });
    await this.report.step('Resolve it with use_local', async () => {
      const resolved = expectStatus(
        await call<{ appliedChanges: Record<string, unknown> | null }>(`${this.api}/api/pems/conflicts/${conflict.id}/resolve`, {
          method: 'POST',
          token: this.token,
          body: { resolution: 'use_local' },
        }),
        200,
        `POST /api/pems/conflicts/${conflict.id}/resolve`,
      );
      return { value: undefined, detail: `to be written: ${JSON.stringify(resolved.appliedChanges)}` };
    });
    const synced = await this.waitForSync(record, modification.id);
    await this.checkPems(record.pfaId, ours, synced.version);
  }

  private edit(title: string, record: PfaRecordView, monthlyRate: number): Promise<Modification> {
    return this.report.step(title, async () => {
      const modification = expectStatus(
        await call<Modification>(`${this.api}/api/pfa/${record.id}`, {
          method: 'PATCH',
          token: this.token,
          body: { changes: { monthlyRate }, changeReason: 'npm run test:write-sync' },
        }),
        201,
        `PATCH /api/pfa/${record.id}`,
      );
      this.created.add(modification.id);
      return { value: modification, detail: `monthlyRate ${String(record.values.monthlyRate)} -> ${monthlyRate}, modification ${modification.id}` };
    });
  }

  private queue(modificationId: string): Promise<void> {
    return this.report.step('Queue it (POST /api/pems/write-sync)', async () => {
      const queued = expectStatus(
        await call<{ queuedCount: number; jobId: string | null; estimatedCompletionTime: string }>(`${this.api}/api/pems/write-sync`, {
          method: 'POST',
          token: this.token,
          body: { organizationId: this.organization!.id, modificationIds: [modificationId] },
        }),
        200,
        'POST /api/pems/write-sync',
      );
      if (queued.queuedCount !== 1) throw new StepFailure(`queuedCount is ${queued.queuedCount}, expected 1`);
      return { value: undefined, detail: `job ${queued.jobId}, expected done by ${queued.estimatedCompletionTime}` };
    });
  }

  /** Polls the record until the modification is synced; a conflict or failure ends the wait at once. */
  private waitForSync(record: PfaRecordView, modificationId: string): Promise<PfaRecordView> {
    return this.report.step(`Wait until ${record.pfaId} is synced`, async () => {
      const started = Date.now();
      const synced = await waitUntil(this.settings.timeoutMs, `the modification was not synced`, async () => {
        const { record: current, modification } = await this.failIfSettled(record, modificationId, ['conflict', 'failed']);
        return modification?.status === 'synced' ? current : undefined;
      });
      this.created.delete(modificationId);
      return { value: synced, detail: `synced after ${((Date.now() - started) / 1000).toFixed(1)} s, mirror at version ${synced.version}` };
    });
  }

  /** The record and our modification now; a failure when the modification reached one of `unwanted`. */
  private async failIfSettled(record: PfaRecordView, modificationId: string, unwanted: string[]): Promise<{ record: PfaRecordView; modification?: Modification }> {
    const detail = expectStatus(
      await call<PfaRecordView & { modifications: Modification[] }>(`${this.api}/api/pfa/${record.id}`, { token: this.token }),
      200,
      `GET /api/pfa/${record.id}`,
    );
    const modification = detail.modifications.find((candidate) => candidate.id === modificationId);
    if (modification && unwanted.includes(modification.status)) {
      throw new StepFailure(`the modification became ${modification.status}${modification.syncError ? `: ${modification.syncError}` : ''}`);
    }
    return { record: detail, modification };
  }

  private checkPems(pfaId: string, monthlyRate: number, mirrorVersion: number): Promise<void> {
    return this.report.step(`PEMS holds monthlyRate ${monthlyRate} for ${pfaId}`, async () => {
      const stored = expectStatus(
        await call<SimRecord>(`${this.sim}/__sim/records/${encodeURIComponent(this.organization!.code!)}/${encodeURIComponent(pfaId)}`),
        200,
        'the simulator',
      );
      if (stored.data.monthlyRate !== monthlyRate) throw new StepFailure(`PEMS holds monthlyRate ${String(stored.data.monthlyRate)}`);
      if (stored.recordid !== mirrorVersion) throw new StepFailure(`PEMS is at recordid ${stored.recordid} but the mirror at version ${mirrorVersion}`);
      return { value: undefined, detail: `recordid ${stored.recordid}, as the mirror` };
    });
  }

  /** Discards our edits that a failed step left pending, so that a rerun starts clean. */
  private async cleanUp(): Promise<void> {
    for (const id of this.created) {
      const answer = await call(`${this.api}/api/pfa/modifications/${id}`, { method: 'DELETE', token: this.token }).catch(() => undefined);
      if (answer?.status === 200) this.report.info(`(discarded our modification ${id}, which had not reached PEMS)`);
    }
  }

  private async printSyncStatus(): Promise<void> {
    await this.report.step('Sync status', async () => {
      const status = expectStatus(
        await call<{
          totalQueued: number;
          processing: number;
          completed: number;
          failed: number;
          avgSyncTime: number | null;
          lastSyncAt: string | null;
          health: string;
          successRate: number;
          healthReasons?: string[];
        }>(`${this.api}/api/pems/sync-status?organizationId=${this.organization!.id}`, { token: this.token }),
        200,
        'GET /api/pems/sync-status',
      );
      const reasons = status.healthReasons?.length ? ` (${status.healthReasons.join('; ')})` : '';
      return {
        value: undefined,
        detail:
          `${status.health}${reasons}; ${status.totalQueued} queued, ${status.processing} processing; last 24 h: ${status.completed} completed, ` +
          `${status.failed} failed, success rate ${status.successRate}%, average ${status.avgSyncTime === null ? '-' : `${status.avgSyncTime} ms`}; last sync ${status.lastSyncAt ?? 'never'}`,
      };
    });
  }
}

/** A rate different from `current` (and from the other rates the check writes), whole, positive. */
function newRate(current: unknown, offset: number): number {
  const base = typeof current === 'number' && Number.isFinite(current) && current >= 0 ? Math.round(current) : 10_000;
  return base + offset + Math.floor(Math.random() * 50) * 1000;
}

async function main(): Promise<number> {
  if (process.argv.slice(2).some((argument) => ['-h', '--help'].includes(argument))) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let settings: Settings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  return new WriteSyncCheck(settings).run();
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`Unexpected error: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);

// A module, not a script: its names stay out of the global scope.
export {};
