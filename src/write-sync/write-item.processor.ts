import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConflictDetectionService } from '../conflicts/conflict-detection.service';
import { ConflictRecorder } from '../conflicts/conflict-recorder.service';
import { SyncMetricsService } from '../metrics/sync-metrics.service';
import { PemsApiError } from '../pems/client/pems-api.error';
import { PemsConnection, PemsRecord } from '../pems/client/pems-client.types';
import { PemsRateLimiter } from '../pems/client/pems-rate-limiter';
import { PemsClient } from '../pems/client/pems.client';
import { OrganizationConnection, PemsConnectionFactory } from '../pems/pems-connection.factory';
import { PfaModification } from '../pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../pfa/entities/pfa-record.entity';
import { PfaMirrorService } from '../pfa/pfa-mirror.service';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { PfaData } from '../validation/pfa-fields';
import { PfaWriteQueueItem } from './entities/pfa-write-queue.entity';
import { ServerAuthPauseService } from './server-auth-pause.service';
import { WriteCompletionBatcher } from './write-completion.batcher';
import { ClaimedItem, WriteQueueService } from './write-queue.service';

/**
 * How an attempt ended, for the run's counts and the metrics. `released`: the attempt recorded
 * nothing, because its claim no longer holds the item (it was taken back and is another
 * attempt's now), or because nothing could be written (the item is left to its lease).
 */
export type ItemOutcome = 'completed' | 'already_applied' | 'retry' | 'failed' | 'conflict' | 'released';

/** Thrown just before a send when the server was paused for rejected credentials during the rate-limit wait. */
class ServerPausedError extends Error {}

/** PEMS took the write, but the completion could not be written. */
class CompletionNotRecorded extends Error {}

/** Sends after a non-overlapping conflict are not retries, but a record that keeps moving under us must not loop for ever. */
const MAX_RESENDS = 5;

/**
 * One write-queue item from claim to outcome (SPEC §7, §8):
 * 1. If the mirror is ahead of the modification's base, the three-way check runs against it
 *    first: a conflict is recorded without sending, an already-applied write completes.
 * 2. The changed fields are sent on the newest known version.
 * 3. A version conflict reads the record back from PEMS into the mirror and checks again:
 *    already applied completes, overlapping changes are a conflict, otherwise it is sent again
 *    on the new version (not a retry; after MAX_RESENDS it counts as one).
 * 4. Retryable failures come back after 5, 10, 20 s (Retry-After also pauses the tenant);
 *    others fail with their reason; rejected credentials also pause the server.
 * On success the item completes, the modification is synced and the mirror takes PEMS's
 * answer, in one transaction (WriteCompletionBatcher: shared by the completions that arrive
 * together).
 *
 * Every attempt ends with an outcome recorded: if recording the outcome itself fails, the
 * attempt is recorded as a retry with that reason; if even that cannot be written, the worker
 * stops renewing the item's lease and the reaper hands it back.
 */
@Injectable()
export class WriteItemProcessor {
  private readonly logger = new Logger('PemsWriteSync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly queue: WriteQueueService,
    private readonly client: PemsClient,
    private readonly connections: PemsConnectionFactory,
    private readonly rateLimiter: PemsRateLimiter,
    private readonly conflicts: ConflictDetectionService,
    private readonly conflictRecorder: ConflictRecorder,
    private readonly mirror: PfaMirrorService,
    private readonly completions: WriteCompletionBatcher,
    private readonly authPause: ServerAuthPauseService,
    private readonly events: SyncEventsService,
    private readonly metrics: SyncMetricsService,
  ) {}

  /**
   * Starts a claim's items: their organizations' connections are looked up and their
   * `sync.processing` events published once for the claim; answers one promise per item,
   * resolved with its outcome (never rejected). `probe`: the one item sent to a server paused
   * for rejected credentials, to see whether they work again.
   */
  async begin(claimed: ClaimedItem[], probe = false): Promise<Array<Promise<ItemOutcome>>> {
    const found = new Map<string, OrganizationConnection | Error>();
    for (const organizationId of new Set(claimed.map(({ item }) => item.organizationId))) {
      found.set(organizationId, await this.connections.forOrganization(organizationId, { forWriting: true }).catch((error: Error) => error));
    }
    const ready = claimed.filter(({ item }) => !(found.get(item.organizationId) instanceof Error));
    await this.events.publishMany(
      ready.map(({ item }) => ({ type: 'sync.processing', organizationId: item.organizationId, modificationId: item.modificationId, queueItemId: item.id, pfaId: item.pfaId })),
    );
    return claimed.map((entry) => this.process(entry, found.get(entry.item.organizationId)!, probe));
  }

  private async process(claimed: ClaimedItem, found: OrganizationConnection | Error, probe: boolean): Promise<ItemOutcome> {
    const { item } = claimed;
    try {
      return await this.tryToProcess(claimed, found, probe);
    } catch (error) {
      return this.recordAnyway(item, error as Error);
    }
  }

  private async tryToProcess(claimed: ClaimedItem, found: OrganizationConnection | Error, probe: boolean): Promise<ItemOutcome> {
    const { item } = claimed;
    if (found instanceof Error) {
      // The server was switched off or made read-only after the claim: wait for it, costing no retry.
      const released = await this.queue.retryLater(item, this.config.PEMS_WRITE_SYNC_RETRY_DELAYS_MS[0] ?? 5000, found.message, null, false);
      return released ? 'retry' : 'released';
    }
    if (found.server.authFailedAt && !probe) return this.waitForCredentials(item);
    try {
      return await this.attempt(claimed, found.connection, probe);
    } catch (error) {
      if (error instanceof ServerPausedError) return this.waitForCredentials(item);
      if (error instanceof PemsApiError) return this.handlePemsFailure(item, found.connection, error);
      if (error instanceof CompletionNotRecorded) {
        // PEMS has the write; only our record of it failed. The next attempt finds it applied (a 409, then the
        // read-back) and completes: not a failed attempt, so it costs no retry.
        this.logger.error(`Write of ${item.pfaId} (item ${item.id}) reached PEMS, but its completion could not be recorded: ${error.message}`);
        // Never recorded as failed (PEMS holds it): if not even this can be written, the item is left to its lease.
        const released = await this.queue
          .retryLater(item, this.retryDelay(item), `PEMS took the write; recording it failed: ${error.message}`, null, false)
          .catch(() => false);
        return released ? 'retry' : 'released';
      }
      // Our own trouble (the database, a bug): the item is kept and tried again, as a retry.
      this.logger.error(`Write of ${item.pfaId} (item ${item.id}) failed inside pems-sync: ${(error as Error).message}`, (error as Error).stack);
      return this.retryOrFail(item, `Internal error: ${(error as Error).message}`, null, null);
    }
  }

  /**
   * Recording the attempt's outcome failed (the database refused or went away, or a bug): the
   * attempt is recorded as a retry with that reason, or as failed after the last retry. When
   * not even that can be written, the item is left to its lease: the worker no longer renews
   * it, and the reaper hands it back.
   */
  private async recordAnyway(item: PfaWriteQueueItem, error: Error): Promise<ItemOutcome> {
    this.logger.error(`The outcome of the write of ${item.pfaId} (item ${item.id}) could not be recorded: ${error.message}`, error.stack);
    try {
      return await this.retryOrFail(item, `Internal error while recording the outcome: ${error.message}`, null, null);
    } catch (second) {
      this.logger.error(`Item ${item.id} is left to its lease (it will be taken back): ${(second as Error).message}`);
      return 'released';
    }
  }

  private async attempt({ item, mirroredVersion }: ClaimedItem, connection: PemsConnection, probe: boolean): Promise<ItemOutcome> {
    const changes = item.payload.changes as PfaData;
    let version = item.payload.baseVersion;

    if (mirroredVersion !== null && this.conflicts.needsCheck(version, mirroredVersion)) {
      const mirrored = await this.dataSource.getRepository(PfaRecord).findOneByOrFail({ organizationId: item.organizationId, pfaId: item.pfaId });
      const verdict = await this.check(item, { pfaId: item.pfaId, version: mirrored.version, data: mirrored.data, lastModified: null }, false);
      if (verdict !== 'send') return verdict;
      version = mirrored.version;
    }

    for (;;) {
      const started = process.hrtime.bigint();
      let stored: PemsRecord;
      try {
        stored = await this.client.updateRecord(connection, item.pfaId, version, changes, probe ? undefined : () => this.assertNotPaused(item.organizationId));
      } catch (error) {
        if (!(error instanceof PemsApiError) || error.kind !== 'version_conflict') throw error;
        // Whatever happened before (a lost answer, a crash mid-send, resends), PEMS's record decides.
        const current = await this.client.getRecord(connection, item.pfaId);
        const verdict = await this.check(item, current, true);
        if (verdict !== 'send') return verdict;
        if (item.resendCount >= MAX_RESENDS) {
          return this.retryOrFail(item, `${error.message} (PEMS's record changed again before each of ${MAX_RESENDS} sends)`, error.status, null);
        }
        version = current.version;
        item.resendCount += 1;
        this.metrics.sends.inc({ outcome: 'resend' });
        continue;
      }
      this.metrics.sendLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      return (await this.completeTaken(item, stored)) ? 'completed' : 'released';
    }
  }

  /** The three-way check against `theirs`; answers 'send' when the write should go (again) on theirs's version. */
  private async check(item: PfaWriteQueueItem, theirs: PemsRecord, fromPems: boolean): Promise<ItemOutcome | 'send'> {
    if (fromPems) await this.mirror.applyMany(item.organizationId, [theirs], 'conflict_check');
    // Gone only if the item went with it (ON DELETE CASCADE): nothing left to finish.
    const modification = await this.dataSource.getRepository(PfaModification).findOneBy({ id: item.modificationId });
    if (!modification) return 'released';
    const verdict = this.conflicts.detect({ changes: item.payload.changes, baseValues: modification.baseValues, theirs: theirs.data });
    if (verdict.outcome === 'no_conflict') return 'send';
    if (verdict.outcome === 'already_applied') {
      return (await this.complete(item, fromPems ? theirs : null, null)) ? 'already_applied' : 'released';
    }
    const recorded = await this.dataSource.transaction(async (manager) => {
      if (!(await this.queue.finish(manager, item, { status: 'failed', error: 'VERSION_CONFLICT', statusCode: 409 }))) return false;
      const conflict = await this.conflictRecorder.record(manager, {
        modification,
        pfaId: item.pfaId,
        queueItemId: item.id,
        pemsVersion: theirs.version,
        conflictFields: verdict.conflictFields,
        localData: verdict.localData,
        pemsData: verdict.pemsData,
        baseData: verdict.baseData,
      });
      await this.events.publish(
        { type: 'conflict.created', organizationId: item.organizationId, modificationId: modification.id, queueItemId: item.id, conflictId: conflict.id, pfaId: item.pfaId, detail: verdict.conflictFields.join(',') },
        manager,
      );
      return true;
    });
    if (!recorded) return 'released';
    this.metrics.conflicts.inc();
    this.metrics.sends.inc({ outcome: 'conflict' });
    return 'conflict';
  }

  /** PEMS answered the write with the record: completes it, and says so if recording that fails (CompletionNotRecorded). */
  private async completeTaken(item: PfaWriteQueueItem, stored: PemsRecord): Promise<boolean> {
    try {
      return await this.complete(item, stored, 200);
    } catch (error) {
      throw new CompletionNotRecorded((error as Error).message);
    }
  }

  /** Item completed, modification synced and, when PEMS answered with the record, the mirror moved on: one transaction, shared with other completions. */
  private async complete(item: PfaWriteQueueItem, stored: PemsRecord | null, statusCode: number | null): Promise<boolean> {
    const done = await this.completions.complete({ item, stored, statusCode });
    if (done) this.metrics.sends.inc({ outcome: stored && statusCode === 200 ? 'success' : 'already_applied' });
    return done;
  }

  private async handlePemsFailure(item: PfaWriteQueueItem, connection: PemsConnection, error: PemsApiError): Promise<ItemOutcome> {
    switch (error.kind) {
      case 'credentials_rejected':
        this.metrics.sends.inc({ outcome: 'credentials_rejected' });
        if (!(await this.authPause.credentialsRejected(item.organizationId, error.message))) return this.waitForCredentials(item);
        return (await this.fail(item, `CREDENTIALS_REJECTED: ${error.message}`, error.status)) ? 'failed' : 'released';
      case 'tenant_paused': {
        // Not sent: PEMS asked the whole tenant to wait (Retry-After). Back to the queue until then, costing no retry.
        const released = await this.queue.retryLater(item, error.retryAfterMs ?? 0, error.message, null, false);
        return released ? 'retry' : 'released';
      }
      case 'retryable':
      case 'version_conflict':
        if (error.retryAfterMs !== null) await this.rateLimiter.pause(connection.tenantKey, error.retryAfterMs);
        return this.retryOrFail(item, error.message, error.status, error.retryAfterMs);
      default:
        return (await this.fail(item, error.message, error.status)) ? 'failed' : 'released';
    }
  }

  /** Once PEMS has refused a server's credentials, no further write is thrown at it until the pause ends. */
  private async assertNotPaused(organizationId: string): Promise<void> {
    if (await this.authPause.isPaused(organizationId)) throw new ServerPausedError();
  }

  /** The server is paused for rejected credentials: the item goes back to wait for the pause to end, costing no retry. */
  private async waitForCredentials(item: PfaWriteQueueItem): Promise<ItemOutcome> {
    const released = await this.queue.retryLater(item, 0, "Waiting: PEMS rejected the server's credentials", 401, false);
    return released ? 'retry' : 'released';
  }

  /** The delay before the item's next retry (PEMS_WRITE_SYNC_RETRY_DELAYS_MS: 5, 10, 20 s by default). */
  private retryDelay(item: PfaWriteQueueItem): number {
    const delays = this.config.PEMS_WRITE_SYNC_RETRY_DELAYS_MS;
    return delays[Math.min(item.retryCount, delays.length - 1)] ?? 0;
  }

  private async retryOrFail(item: PfaWriteQueueItem, reason: string, statusCode: number | null, retryAfterMs: number | null): Promise<ItemOutcome> {
    if (item.retryCount >= item.maxRetries) {
      const message = `${reason} (gave up after ${item.retryCount} ${item.retryCount === 1 ? 'retry' : 'retries'})`;
      return (await this.fail(item, message, statusCode)) ? 'failed' : 'released';
    }
    const delay = Math.max(this.retryDelay(item), retryAfterMs ?? 0);
    this.metrics.sends.inc({ outcome: 'retry' });
    return (await this.queue.retryLater(item, delay, reason, statusCode)) ? 'retry' : 'released';
  }

  private async fail(item: PfaWriteQueueItem, reason: string, statusCode: number | null): Promise<boolean> {
    const done = await this.dataSource.transaction(async (manager) => {
      if (!(await this.queue.finish(manager, item, { status: 'failed', error: reason, statusCode }))) return false;
      await manager.getRepository(PfaModification).update({ id: item.modificationId, status: 'syncing' }, { status: 'failed', syncError: reason });
      await this.events.publish({ type: 'sync.failed', organizationId: item.organizationId, modificationId: item.modificationId, queueItemId: item.id, pfaId: item.pfaId, detail: reason }, manager);
      return true;
    });
    if (done) this.metrics.sends.inc({ outcome: 'failed' });
    return done;
  }
}
