import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { CronJob } from 'cron';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { sleep, wakeAfter } from '../common/sleep';
import { AppConfig } from '../config/app-config';
import { PgListenerService } from '../database/pg-listener.service';
import { NotificationsService } from '../notifications/notifications.service';
import { WriteItemProcessor } from './write-item.processor';
import { ItemOutcome } from './write-outcomes';
import { ServerAuthPauseService } from './server-auth-pause.service';
import { Claim, ClaimShares, ClaimedItem, WRITE_QUEUE_CHANNEL, WriteQueueService } from '../write-queue/write-queue.service';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service';

/** An item in flight: by lease token, since the same item may be in flight twice (taken back from a stalled attempt and claimed again). */
interface InFlightItem {
  item: ClaimedItem['item'];
  tenantKey: string;
  done: Promise<void>;
}
type InFlight = Map<string, InFlightItem>;

export const WRITE_SYNC_JOB = 'pems-write-sync';
const HEARTBEAT_MS = 5000;
const RETENTION_EVERY_MS = 60 * 60 * 1000;
/**
 * Most PEMS calls one instance has in flight at once, whatever its tenants' limits add up to
 * (200 tenants at 10/s): each costs memory and a place in the database's work.
 */
const MAX_IN_FLIGHT = 2000;
/** A tenant's places for items in flight: about this long of its sends, at least two and at most TENANT_MAX_PLACES. */
const TENANT_IN_FLIGHT_SECONDS = 1;
/** Enough to keep a tenant at 1,000 requests/s busy while PEMS answers within 64 ms. */
const TENANT_MAX_PLACES = 64;
/**
 * After an item finished, the next claim waits until this long after the previous one, so that
 * one claim refills every tenant that freed places meanwhile (at 50 tenants, 500 items finish
 * per second), unless an eighth of all places is free already (one tenant at a high rate: its
 * places must not stand empty that long). New items queued (a trigger) are claimed at once.
 */
const CLAIM_GATHER_MS = 50;
const CLAIM_AT_ONCE_SHARE = 0.125;
/** A run reads the write-enabled servers' tenants and limits again at each trigger, and at least this often. */
const TENANTS_REFRESH_MS = 5000;
/** After a claim failed (the database refused or went away), the drain tries again this much later, unless woken sooner. */
const CLAIM_RETRY_MS = 1000;

export interface RunCounts {
  claimed: number;
  completed: number;
  alreadyApplied: number;
  retried: number;
  failed: number;
  conflicts: number;
  reaped: number;
}

export interface WorkerStatus {
  enabled: boolean;
  workerId: string;
  schedule: string;
  running: boolean;
  inFlight: number;
  startedAt: Date | null;
  lastRunStartedAt: Date | null;
  lastRunFinishedAt: Date | null;
  lastRunCounts: RunCounts | null;
  nextScheduledRunAt: Date | null;
  totals: RunCounts;
}

const emptyCounts = (): RunCounts => ({ claimed: 0, completed: 0, alreadyApplied: 0, retried: 0, failed: 0, conflicts: 0, reaped: 0 });

/**
 * The write-sync worker (SPEC §7). A run starts on PEMS_WRITE_SYNC_SCHEDULE, at once when
 * any instance queues items (LISTEN/NOTIFY), and when the next retry falls due. Runs never
 * overlap: a trigger during a run wakes it, to claim at once.
 *
 * A run reaps expired leases, then keeps claiming due items while a PEMS tenant has room for
 * more calls in flight, and ends when nothing is due and nothing is in flight. Each tenant has
 * its own places, about one second of its sends (TENANT_IN_FLIGHT_SECONDS), so a tenant's backlog
 * never takes another tenant's places; the claim shares a tenant's places among its
 * organizations (WriteQueueService.claim, docs/write-sync.md "Sharing PEMS"), and the shared
 * rate limiter spaces the sends themselves. While it waits for room, a run wakes for whichever
 * comes first: an item in flight finishing, a trigger, or the next item falling due. The leases of the items in
 * flight, and only those, are renewed; a failed claim is tried again, and never stops the run
 * while items are in flight.
 */
@Injectable()
export class WriteSyncWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WriteSyncWorker.name);
  /** A run's start and end lines keep the logger name the spec gives them: operators look for `[CronJob]`. */
  private readonly runLogger = new Logger('CronJob');
  private readonly schedulerLogger = new Logger('CronScheduler');
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  private running?: Promise<void>;
  private lookAgain = false;
  /** Wakes the current run's drain when it waits: an item finished, or something was triggered. */
  private wake?: () => void;
  /** When the worker last looked for due items (performance.now()): an item that fell due since is due now. */
  private lastLookedAt = performance.now();
  private stopped = false;
  private startedAt: Date | null = null;
  private inFlight = 0;
  private lastRunStartedAt: Date | null = null;
  private lastRunFinishedAt: Date | null = null;
  private lastRunCounts: RunCounts | null = null;
  private readonly totals = emptyCounts();
  private cancelWakeUp?: () => void;
  private heartbeatTimer?: NodeJS.Timeout;
  private job?: CronJob;
  private lastPurgeAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly queue: WriteQueueService,
    private readonly processor: WriteItemProcessor,
    private readonly authPause: ServerAuthPauseService,
    private readonly listener: PgListenerService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly webhookDeliveries: WebhookDeliveries,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.ENABLE_PEMS_WRITE_SYNC) {
      this.schedulerLogger.log('PEMS write sync is disabled in this instance (ENABLE_PEMS_WRITE_SYNC=false)');
      return;
    }
    const schedule = this.config.PEMS_WRITE_SYNC_SCHEDULE;
    this.job = CronJob.from({ cronTime: schedule, onTick: () => this.trigger(), start: true });
    this.registry.addCronJob(WRITE_SYNC_JOB, this.job);
    this.startedAt = new Date();
    this.schedulerLogger.log(`PEMS write sync job scheduled: ${schedule}`);
    await this.listener.listen(WRITE_QUEUE_CHANNEL, () => this.trigger());
    // Whatever was queued while the connection was down is picked up now.
    this.listener.onReconnect(() => this.trigger());
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    await this.heartbeat();
    this.trigger();
  }

  /** Before the database closes: claim nothing more, let in-flight items finish (what cannot is reaped after its lease). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // Not awaited: stop() resolves when the tick in progress ends, and that tick is the run awaited below, after it has been woken to see `stopped`.
    void this.job?.stop();
    this.cancelWakeUp?.();
    this.wake?.();
    clearInterval(this.heartbeatTimer);
    await this.running;
    await this.dataSource.query('DELETE FROM write_sync_workers WHERE worker_id = $1', [this.workerId]).catch(() => undefined);
  }

  /** Starts a run, or wakes the current one to claim at once. */
  trigger(): void {
    if (this.stopped || !this.startedAt) return;
    if (this.running) {
      this.lookAgain = true;
      this.wake?.();
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.lookAgain && !this.stopped) this.trigger();
    });
  }

  /** Resolves when no run is in progress (used by tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  getStatus(): WorkerStatus {
    return {
      enabled: this.config.ENABLE_PEMS_WRITE_SYNC,
      workerId: this.workerId,
      schedule: this.config.PEMS_WRITE_SYNC_SCHEDULE,
      running: Boolean(this.running),
      inFlight: this.inFlight,
      startedAt: this.startedAt,
      lastRunStartedAt: this.lastRunStartedAt,
      lastRunFinishedAt: this.lastRunFinishedAt,
      lastRunCounts: this.lastRunCounts,
      nextScheduledRunAt: this.job ? this.job.nextDate().toJSDate() : null,
      totals: { ...this.totals },
    };
  }

  private async run(): Promise<void> {
    this.lookAgain = false;
    const counts = emptyCounts();
    this.lastRunStartedAt = new Date();
    this.runLogger.log('Starting PEMS write sync job');
    try {
      counts.reaped = await this.queue.reapExpiredLeases();
      await this.drain(counts);
      await this.purgeOldItems();
    } catch (error) {
      this.logger.error(`PEMS write sync job stopped early: ${(error as Error).message}`);
    } finally {
      this.lastRunFinishedAt = new Date();
      this.lastRunCounts = counts;
      for (const key of Object.keys(counts) as Array<keyof RunCounts>) this.totals[key] += counts[key];
      this.runLogger.log(
        `PEMS write sync job complete: ${counts.claimed} claimed, ${counts.completed} synced, ${counts.alreadyApplied} already applied, ` +
          `${counts.conflicts} conflicts, ${counts.retried} to retry, ${counts.failed} failed, ${counts.reaped} reaped`,
      );
      await this.heartbeat();
      await this.scheduleWakeUp();
    }
  }

  private async drain(counts: RunCounts): Promise<void> {
    const maxBatches = this.config.PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN;
    let tenants = await this.tenantPlaces();
    let tenantsReadAt = performance.now();
    let lastClaimAt = -Infinity;
    /** Looks in a row that claimed nothing because another transaction held the items chosen. */
    let passedOverLooks = 0;
    const inFlight: InFlight = new Map();
    const keepAlive = setInterval(
      () =>
        void this.keepLeases(
          [...inFlight.values()].map(({ item }) => item),
          counts,
        ),
      this.config.PEMS_WRITE_SYNC_LEASE_MS / 3,
    );
    let batches = 0;
    try {
      await this.startProbes(inFlight, counts);
      while (!this.stopped && (maxBatches === 0 || batches < maxBatches)) {
        // Armed before looking, so that nothing that happens while we look goes unnoticed.
        const woken = this.armWake();
        // Taken at once: a trigger from now on is seen by the next look (it also wakes `woken`).
        const triggered = this.lookAgain;
        this.lookAgain = false;
        if (triggered || performance.now() - tenantsReadAt > TENANTS_REFRESH_MS) {
          tenants = await this.tenantPlaces().catch(() => tenants);
          tenantsReadAt = performance.now();
        }
        let claim = this.claimable(tenants, inFlight);
        if (!triggered && claim.room > 0 && claim.room < claim.places * CLAIM_AT_ONCE_SHARE) {
          await sleep(lastClaimAt + CLAIM_GATHER_MS - performance.now());
          if (this.stopped) break;
          // What finished during the gather is claimed now too.
          claim = this.claimable(tenants, inFlight);
        }
        const room = claim.room;
        if (room <= 0) {
          // No tenant to send to (no write-enabled server): the run ends; a trigger starts the next.
          if (inFlight.size === 0) break;
          await woken.promise;
          continue;
        }
        let claimed: Claim;
        this.lastLookedAt = performance.now();
        lastClaimAt = this.lastLookedAt;
        try {
          claimed = await this.queue.claim(this.workerId, room, claim.shares);
        } catch (error) {
          this.logger.error(`Claiming due items failed (trying again in ${CLAIM_RETRY_MS} ms): ${(error as Error).message}`);
          await sleep(CLAIM_RETRY_MS);
          continue;
        }
        const { items } = claimed;
        if (items.length > 0) passedOverLooks = 0;
        batches += items.length > 0 ? 1 : 0;
        await this.start(items, inFlight, counts);
        if (items.length > 0 || woken.happened()) continue;
        if (claimed.passedOver > 0) {
          // Another transaction took or held what this claim chose, at the same moment: another
          // instance's claim (what is left behind its items is due now, and the NOTIFY that woke
          // both was this instance's only call), or a discard (it may roll back). Look again once
          // it is done, rather than end the run; sooner the first times, as a claim is over in ms.
          await this.wokenOrAfter(woken, Math.min(CLAIM_RETRY_MS, CLAIM_GATHER_MS * 2 ** passedOverLooks));
          passedOverLooks += 1;
          continue;
        }
        if (inFlight.size === 0) break;
        // Nothing due now: wait for an item in flight to finish, a trigger, or the next item falling due.
        const dueInMs = await this.queue.nextWakeUpInMs(performance.now() - this.lastLookedAt).catch(() => null);
        await this.wokenOrAfter(woken, dueInMs);
      }
    } finally {
      // Whatever ended the loop, the items in flight finish (and keep their leases) first.
      await Promise.all([...inFlight.values()].map(({ done }) => done));
      clearInterval(keepAlive);
      this.wake = undefined;
    }
  }

  /**
   * What a claim may take now, at most a batch: with a batch limit (PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN)
   * a whole batch, as the seed's worker did; otherwise each tenant's free places (shares).
   */
  private claimable(tenants: ReadonlyMap<string, number>, inFlight: InFlight): { room: number; places: number; shares?: ClaimShares } {
    const batch = this.config.PEMS_WRITE_SYNC_BATCH_SIZE;
    if (this.config.PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN > 0) return { room: batch - inFlight.size, places: batch };
    const free = this.shares(tenants, inFlight);
    return { ...free, room: Math.min(free.room, batch) };
  }

  /** Each tenant's free places, and the room left in all (MAX_IN_FLIGHT), of `places` in all. */
  private shares(tenants: ReadonlyMap<string, number>, inFlight: InFlight): { room: number; places: number; shares: ClaimShares } {
    const inFlightByTenant = new Map<string, number>();
    const inFlightByOrganization = new Map<string, number>();
    for (const { item, tenantKey } of inFlight.values()) {
      inFlightByTenant.set(tenantKey, (inFlightByTenant.get(tenantKey) ?? 0) + 1);
      inFlightByOrganization.set(item.organizationId, (inFlightByOrganization.get(item.organizationId) ?? 0) + 1);
    }
    const roomByTenant = new Map<string, number>();
    let free = 0;
    let all = 0;
    for (const [tenantKey, places] of tenants) {
      all += places;
      const room = places - (inFlightByTenant.get(tenantKey) ?? 0);
      if (room <= 0) continue;
      roomByTenant.set(tenantKey, room);
      free += room;
    }
    return { room: Math.min(free, MAX_IN_FLIGHT - inFlight.size), places: Math.min(all, MAX_IN_FLIGHT), shares: { roomByTenant, inFlightByOrganization } };
  }

  /** The probes of servers whose credentials pause ran out: one item each. A failure is logged; the pause's next end brings the next probe. */
  private async startProbes(inFlight: InFlight, counts: RunCounts): Promise<void> {
    try {
      for (const organizationId of await this.authPause.takeProbes()) {
        await this.start((await this.queue.claimProbe(this.workerId, organizationId)).items, inFlight, counts, true);
      }
    } catch (error) {
      this.logger.error(`Probing servers paused for rejected credentials failed: ${(error as Error).message}`);
    }
  }

  /** A wake-up the drain can wait for: an item in flight finishing, or a trigger, from now on. */
  private armWake(): { promise: Promise<void>; happened: () => boolean } {
    let happened = false;
    const promise = new Promise<void>((resolve) => {
      this.wake = () => {
        happened = true;
        resolve();
      };
    });
    return { promise, happened: () => happened };
  }

  /** Waits for `woken`, or `timeoutMs` (null: no timeout). */
  private async wokenOrAfter(woken: { promise: Promise<void> }, timeoutMs: number | null): Promise<void> {
    if (timeoutMs === null) return woken.promise;
    let cancel: () => void = () => undefined;
    const timedOut = new Promise<void>((resolve) => {
      cancel = wakeAfter(timeoutMs, resolve);
    });
    await Promise.race([woken.promise, timedOut]);
    cancel();
  }

  /** Renews the leases of the items in flight, and takes back items whose lease ran out elsewhere meanwhile. */
  private async keepLeases(items: Array<ClaimedItem['item']>, counts: RunCounts): Promise<void> {
    await this.queue.renewLeases(items).catch((error: Error) => this.logger.warn(`Lease renewal failed: ${error.message}`));
    counts.reaped += await this.queue.reapExpiredLeases().catch((error: Error) => {
      this.logger.warn(`Taking back expired leases failed: ${error.message}`);
      return 0;
    });
  }

  private async start(items: ClaimedItem[], inFlight: InFlight, counts: RunCounts, probe = false): Promise<void> {
    counts.claimed += items.length;
    if (items.length === 0) return;
    let outcomes: Array<Promise<ItemOutcome>>;
    try {
      outcomes = await this.processor.begin(items, probe);
    } catch (error) {
      // Nothing was sent. The items are not renewed: their leases run out and they are taken back.
      this.logger.error(`${items.length} claimed item(s) could not be started: ${(error as Error).message}`);
      return;
    }
    for (const [index, outcome] of outcomes.entries()) {
      const { item, tenantKey } = items[index];
      this.inFlight += 1;
      const done: Promise<void> = outcome
        .then((result) => tally(counts, result))
        .catch((error: Error) => this.logger.error(`Item ${item.id} could not be processed: ${error.message}`))
        .finally(() => {
          this.inFlight -= 1;
          inFlight.delete(item.leaseToken!);
          this.wake?.();
        });
      inFlight.set(item.leaseToken!, { item, tenantKey, done });
    }
  }

  /**
   * Retention, at most hourly: finished items older than PEMS_WRITE_SYNC_RETENTION_DAYS go
   * (0 keeps them), and so do notifications and webhook deliveries of that age (read or not,
   * whatever their status); sync-status's per-minute counts go after two days.
   */
  private async purgeOldItems(): Promise<void> {
    if (Date.now() - this.lastPurgeAt < RETENTION_EVERY_MS) return;
    this.lastPurgeAt = Date.now();
    await this.queue.purgeOldMinutes();
    const days = this.config.PEMS_WRITE_SYNC_RETENTION_DAYS;
    if (days === 0) return;
    const purged = await this.queue.purgeFinished(days);
    if (purged > 0) this.logger.log(`Deleted ${purged} completed or cancelled queue item(s) older than ${days} days`);
    const notifications = await this.notifications.purgeOlderThan(days);
    if (notifications > 0) this.logger.log(`Deleted ${notifications} notification(s) older than ${days} days`);
    const deliveries = await this.webhookDeliveries.purgeOlderThan(days);
    if (deliveries > 0) this.logger.log(`Deleted ${deliveries} webhook deliveries older than ${days} days`);
  }

  /** The places for items in flight of each PEMS tenant of the write-enabled servers: about one second of its sends, between 2 and 64. */
  private async tenantPlaces(): Promise<Map<string, number>> {
    const rows: Array<{ tenant_key: string; rate: number }> = await this.dataSource.query(
      `SELECT DISTINCT ON (s.tenant_key) s.tenant_key, coalesce(t.rate_limit_per_second, $1)::float8 AS rate
       FROM api_servers s LEFT JOIN pems_tenants t ON t.tenant_key = s.tenant_key
       WHERE s.is_active AND s.write_enabled`,
      [this.config.PEMS_RATE_LIMIT_PER_SECOND],
    );
    return new Map(rows.map((row) => [row.tenant_key, Math.max(2, Math.min(TENANT_MAX_PLACES, Math.ceil(row.rate * TENANT_IN_FLIGHT_SECONDS)))]));
  }

  /** The most items this instance has in flight at once now: its tenants' places, up to MAX_IN_FLIGHT. */
  async inFlightLimit(): Promise<number> {
    return this.shares(await this.tenantPlaces(), new Map()).places;
  }

  /**
   * Wakes the worker when the next retry falls due, a paused server may be probed or a paused
   * tenant sent to: the delay is the database's, waited on the monotonic clock, in chunks (no
   * delay is too long for it).
   */
  private async scheduleWakeUp(): Promise<void> {
    this.cancelWakeUp?.();
    if (this.stopped) return;
    const inMs = await this.queue.nextWakeUpInMs(performance.now() - this.lastLookedAt).catch(() => null);
    if (inMs === null) return;
    this.cancelWakeUp = wakeAfter(inMs + 5, () => this.trigger());
  }

  private async heartbeat(): Promise<void> {
    await this.dataSource
      .query(
        `INSERT INTO write_sync_workers (worker_id, started_at, heartbeat_at, last_run_started_at, last_run_finished_at, last_run_counts)
         VALUES ($1, $2, now(), $3, $4, $5)
         ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = now(), last_run_started_at = $3, last_run_finished_at = $4, last_run_counts = $5`,
        [this.workerId, this.startedAt, this.lastRunStartedAt, this.lastRunFinishedAt, this.lastRunCounts ? JSON.stringify(this.lastRunCounts) : null],
      )
      .catch((error: Error) => this.logger.warn(`Worker heartbeat failed: ${error.message}`));
  }
}

function tally(counts: RunCounts, outcome: ItemOutcome): void {
  if (outcome === 'completed') counts.completed += 1;
  else if (outcome === 'already_applied') counts.alreadyApplied += 1;
  else if (outcome === 'retry') counts.retried += 1;
  else if (outcome === 'failed') counts.failed += 1;
  else if (outcome === 'conflict') counts.conflicts += 1;
}
