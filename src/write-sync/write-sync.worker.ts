import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { CronJob } from 'cron';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { PgListenerService } from '../database/pg-listener.service';
import { ItemOutcome, WriteItemProcessor } from './write-item.processor';
import { ServerAuthPauseService } from './server-auth-pause.service';
import { ClaimedItem, WRITE_QUEUE_CHANNEL, WriteQueueService } from './write-queue.service';

export const WRITE_SYNC_JOB = 'pems-write-sync';
const HEARTBEAT_MS = 5000;
const RETENTION_EVERY_MS = 60 * 60 * 1000;
/** Most PEMS calls in flight at once, whatever the rate limits add up to. */
const MAX_CONCURRENCY = 64;

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
 * overlap: a trigger during a run makes it look again before it ends.
 *
 * A run reaps expired leases, then keeps claiming due items while there is room for more
 * PEMS calls in flight, and ends when nothing is due and nothing is in flight. The room is
 * what the rate limits need (about one second of sends); the shared rate limiter spaces the
 * sends themselves. In-flight items' leases are renewed while they wait for their slot.
 */
@Injectable()
export class WriteSyncWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CronJob');
  private readonly schedulerLogger = new Logger('CronScheduler');
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  private running?: Promise<void>;
  private lookAgain = false;
  private stopped = false;
  private startedAt: Date | null = null;
  private inFlight = 0;
  private lastRunStartedAt: Date | null = null;
  private lastRunFinishedAt: Date | null = null;
  private lastRunCounts: RunCounts | null = null;
  private readonly totals = emptyCounts();
  private wakeTimer?: NodeJS.Timeout;
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
    this.job?.stop();
    clearTimeout(this.wakeTimer);
    clearInterval(this.heartbeatTimer);
    await this.running;
    await this.dataSource.query('DELETE FROM write_sync_workers WHERE worker_id = $1', [this.workerId]).catch(() => undefined);
  }

  /** Starts a run, or asks the current one to look again before it ends. */
  trigger(): void {
    if (this.stopped || !this.startedAt) return;
    if (this.running) {
      this.lookAgain = true;
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
    this.logger.log('Starting PEMS write sync job');
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
      this.logger.log(
        `PEMS write sync job complete: ${counts.claimed} claimed, ${counts.completed} synced, ${counts.alreadyApplied} already applied, ` +
          `${counts.conflicts} conflicts, ${counts.retried} to retry, ${counts.failed} failed, ${counts.reaped} reaped`,
      );
      await this.heartbeat();
      await this.scheduleWakeUp();
    }
  }

  private async drain(counts: RunCounts): Promise<void> {
    const maxBatches = this.config.PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN;
    const concurrency = await this.concurrency();
    const inFlight = new Set<Promise<void>>();
    const leaseRenewal = setInterval(() => void this.queue.renewLeases(this.workerId).catch(() => undefined), this.config.PEMS_WRITE_SYNC_LEASE_MS / 3);
    let batches = 0;
    try {
      for (const organizationId of await this.authPause.takeProbes()) {
        await this.start(await this.queue.claim(this.workerId, 1, organizationId), inFlight, counts, true);
      }
      while (!this.stopped && (maxBatches === 0 || batches < maxBatches)) {
        // With a batch limit (PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN) a claim takes a whole batch, as the seed's worker did.
        const limit = maxBatches > 0 ? this.config.PEMS_WRITE_SYNC_BATCH_SIZE : concurrency;
        const room = Math.min(limit - inFlight.size, this.config.PEMS_WRITE_SYNC_BATCH_SIZE);
        if (room > 0) {
          this.lookAgain = false;
          const items = await this.queue.claim(this.workerId, room);
          batches += items.length > 0 ? 1 : 0;
          await this.start(items, inFlight, counts);
          if (items.length === 0 && inFlight.size === 0 && !this.lookAgain) break;
          if (items.length > 0) continue;
        }
        if (inFlight.size > 0) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      clearInterval(leaseRenewal);
    }
  }

  private async start(items: ClaimedItem[], inFlight: Set<Promise<void>>, counts: RunCounts, probe = false): Promise<void> {
    counts.claimed += items.length;
    if (items.length === 0) return;
    let outcomes: Array<Promise<ItemOutcome>>;
    try {
      outcomes = await this.processor.begin(items, this.workerId, probe);
    } catch (error) {
      // Nothing was sent: the items go back to the queue when their lease runs out.
      this.logger.error(`${items.length} claimed item(s) could not be started: ${(error as Error).message}`);
      return;
    }
    for (const [index, outcome] of outcomes.entries()) {
      this.inFlight += 1;
      const work: Promise<void> = outcome
        .then((result) => tally(counts, result))
        .catch((error: Error) => this.logger.error(`Item ${items[index].item.id} could not be processed: ${error.message}`))
        .finally(() => {
          this.inFlight -= 1;
          inFlight.delete(work);
        });
      inFlight.add(work);
    }
  }

  /**
   * Retention, at most hourly: finished items older than PEMS_WRITE_SYNC_RETENTION_DAYS go
   * (0 keeps them), and so do sync-status's per-minute counts older than two days.
   */
  private async purgeOldItems(): Promise<void> {
    if (Date.now() - this.lastPurgeAt < RETENTION_EVERY_MS) return;
    this.lastPurgeAt = Date.now();
    await this.queue.purgeOldMinutes();
    const days = this.config.PEMS_WRITE_SYNC_RETENTION_DAYS;
    if (days === 0) return;
    const purged = await this.queue.purgeFinished(days);
    if (purged > 0) this.logger.log(`Deleted ${purged} completed or cancelled queue item(s) older than ${days} days`);
  }

  /** About one second of sends at the summed rate of the write-enabled servers' tenants. */
  private async concurrency(): Promise<number> {
    const [{ rate }]: Array<{ rate: number | null }> = await this.dataSource.query(
      `SELECT sum(rate)::float8 AS rate FROM (
         SELECT DISTINCT ON (base_url, tenant) coalesce(rate_limit_per_second, $1) AS rate
         FROM api_servers WHERE is_active AND write_enabled) tenants`,
      [this.config.PEMS_WRITE_SYNC_RATE_LIMIT],
    );
    return Math.max(2, Math.min(MAX_CONCURRENCY, Math.ceil(rate ?? 0)));
  }

  /** Wakes the worker when the next retry falls due or a paused server may be probed, to the second. */
  private async scheduleWakeUp(): Promise<void> {
    clearTimeout(this.wakeTimer);
    if (this.stopped) return;
    const next = await this.queue.nextWakeUp().catch(() => null);
    if (!next) return;
    this.wakeTimer = setTimeout(() => this.trigger(), Math.max(0, next.getTime() - Date.now()) + 5);
    this.wakeTimer.unref();
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
