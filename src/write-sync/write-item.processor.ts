import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConflictDetectionService } from '../conflicts/conflict-detection.service';
import { ConflictRecorder } from '../conflicts/conflict-recorder.service';
import { SyncMetricsService } from '../metrics/sync-metrics.service';
import { PemsApiError } from '../pems/client/pems-api.error';
import { PemsConnection, PemsRecord } from '../pems/client/pems-client.types';
import { pemsTenantKey } from '../pems/client/pems-rate-limiter';
import { PemsWriteApiClient } from '../pems/client/pems-write-api.client';
import { OrganizationConnection, PemsConnectionFactory } from '../pems/pems-connection.factory';
import { PostgresPemsRateLimiter } from '../pems/rate-limit/postgres-pems-rate-limiter';
import { PfaModification } from '../pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../pfa/entities/pfa-record.entity';
import { PfaMirrorService } from '../pfa/pfa-mirror.service';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { PfaData } from '../validation/pfa-fields';
import { PfaWriteQueueItem } from './entities/pfa-write-queue.entity';
import { ServerAuthPauseService } from './server-auth-pause.service';
import { WriteCompletionBatcher } from './write-completion.batcher';
import { ClaimedItem, WriteQueueService } from './write-queue.service';

/** How an attempt ended, for the run's counts and the metrics. */
export type ItemOutcome = 'completed' | 'already_applied' | 'retry' | 'failed' | 'conflict' | 'released';

/** Thrown just before a send when the server was paused for rejected credentials during the rate-limit wait. */
class ServerPausedError extends Error {}

/** Sends after a non-overlapping conflict are not retries, but a record that keeps moving under us must not loop for ever. */
const MAX_RESENDS = 5;

/**
 * One write-queue item from claim to outcome (SPEC §7, §8):
 * 1. If the mirror is ahead of the modification's base, the three-way check runs against it
 *    first: a conflict is recorded without sending, an already-applied write completes.
 * 2. The changed fields are sent on the newest known version.
 * 3. A version conflict reads the record back from PEMS into the mirror and checks again: no
 *    overlap sends again on the new version (not a retry), already applied completes,
 *    otherwise a conflict.
 * 4. Retryable failures come back after 5, 10, 20 s (Retry-After also pauses the tenant);
 *    others fail with their reason; rejected credentials also pause the server.
 * On success the item completes, the modification is synced and the mirror takes PEMS's
 * answer, in one transaction (WriteCompletionBatcher: shared by the completions that arrive
 * together).
 */
@Injectable()
export class WriteItemProcessor {
  private readonly logger = new Logger('PemsWriteSync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly queue: WriteQueueService,
    private readonly client: PemsWriteApiClient,
    private readonly connections: PemsConnectionFactory,
    private readonly rateLimiter: PostgresPemsRateLimiter,
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
   * resolved with its outcome. `probe`: the one item sent to a server paused for rejected
   * credentials, to see whether they work again.
   */
  async begin(claimed: ClaimedItem[], workerId: string, probe = false): Promise<Array<Promise<ItemOutcome>>> {
    const found = new Map<string, OrganizationConnection | Error>();
    for (const organizationId of new Set(claimed.map(({ item }) => item.organizationId))) {
      found.set(organizationId, await this.connections.forOrganization(organizationId, { forWriting: true }).catch((error: Error) => error));
    }
    const ready = claimed.filter(({ item }) => !(found.get(item.organizationId) instanceof Error));
    await this.events.publishMany(
      ready.map(({ item }) => ({ type: 'sync.processing', organizationId: item.organizationId, modificationId: item.modificationId, queueItemId: item.id, pfaId: item.pfaId })),
    );
    return claimed.map((entry) => this.process(entry, found.get(entry.item.organizationId)!, workerId, probe));
  }

  private async process(claimed: ClaimedItem, found: OrganizationConnection | Error, workerId: string, probe: boolean): Promise<ItemOutcome> {
    const { item } = claimed;
    if (found instanceof Error) {
      // The server was switched off or made read-only after the claim: wait for it, costing no retry.
      const released = await this.queue.retryLater(item, workerId, this.config.PEMS_WRITE_SYNC_RETRY_DELAYS_MS[0] ?? 5000, found.message, null, false);
      return released ? 'retry' : 'released';
    }
    if (found.server.authFailedAt && !probe) return this.waitForCredentials(item, workerId);
    try {
      return await this.attempt(claimed, found.connection, workerId, probe);
    } catch (error) {
      if (error instanceof ServerPausedError) return this.waitForCredentials(item, workerId);
      if (error instanceof PemsApiError) return this.handlePemsFailure(item, found.connection, workerId, error);
      // Our own trouble (the database, a bug): the item is kept and tried again, as a retry.
      this.logger.error(`Write of ${item.pfaId} (item ${item.id}) failed inside pems-sync: ${(error as Error).message}`, (error as Error).stack);
      return this.retryOrFail(item, workerId, `Internal error: ${(error as Error).message}`, null, null);
    }
  }

  private async attempt({ item, mirroredVersion }: ClaimedItem, connection: PemsConnection, workerId: string, probe: boolean): Promise<ItemOutcome> {
    const changes = item.payload.changes as PfaData;
    let version = item.payload.baseVersion;

    if (mirroredVersion !== null && this.conflicts.needsCheck(version, mirroredVersion)) {
      const mirrored = await this.dataSource.getRepository(PfaRecord).findOneByOrFail({ organizationId: item.organizationId, pfaId: item.pfaId });
      const verdict = await this.check(item, workerId, { pfaId: item.pfaId, version: mirrored.version, data: mirrored.data, lastModified: null }, false);
      if (verdict !== 'send') return verdict;
      version = mirrored.version;
    }

    for (;;) {
      const started = process.hrtime.bigint();
      try {
        const stored = await this.client.updateRecord(connection, item.pfaId, version, changes, probe ? undefined : () => this.assertNotPaused(item.organizationId));
        this.metrics.sendLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
        return (await this.complete(item, workerId, stored, 200)) ? 'completed' : 'released';
      } catch (error) {
        if (!(error instanceof PemsApiError) || error.kind !== 'version_conflict' || item.resendCount >= MAX_RESENDS) throw error;
        const current = await this.client.getRecord(connection, item.pfaId);
        const verdict = await this.check(item, workerId, current, true);
        if (verdict !== 'send') return verdict;
        version = current.version;
        item.resendCount += 1;
        this.metrics.sends.inc({ outcome: 'resend' });
      }
    }
  }

  /** The three-way check against `theirs`; answers 'send' when the write should go (again) on theirs's version. */
  private async check(item: PfaWriteQueueItem, workerId: string, theirs: PemsRecord, fromPems: boolean): Promise<ItemOutcome | 'send'> {
    if (fromPems) await this.mirror.applyMany(item.organizationId, [theirs], 'conflict_check');
    // Gone only if the item went with it (ON DELETE CASCADE): nothing left to finish.
    const modification = await this.dataSource.getRepository(PfaModification).findOneBy({ id: item.modificationId });
    if (!modification) return 'released';
    const verdict = this.conflicts.detect({ changes: item.payload.changes, baseValues: modification.baseValues, theirs: theirs.data });
    if (verdict.outcome === 'no_conflict') return 'send';
    if (verdict.outcome === 'already_applied') {
      return (await this.complete(item, workerId, fromPems ? theirs : null, null)) ? 'already_applied' : 'released';
    }
    const recorded = await this.dataSource.transaction(async (manager) => {
      if (!(await this.queue.finish(manager, item, workerId, { status: 'failed', error: 'VERSION_CONFLICT', statusCode: 409 }))) return false;
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

  /** Item completed, modification synced and, when PEMS answered with the record, the mirror moved on: one transaction, shared with other completions. */
  private async complete(item: PfaWriteQueueItem, workerId: string, stored: PemsRecord | null, statusCode: number | null): Promise<boolean> {
    const done = await this.completions.complete({ item, workerId, stored, statusCode });
    if (done) this.metrics.sends.inc({ outcome: stored && statusCode === 200 ? 'success' : 'already_applied' });
    return done;
  }

  private async handlePemsFailure(item: PfaWriteQueueItem, connection: PemsConnection, workerId: string, error: PemsApiError): Promise<ItemOutcome> {
    switch (error.kind) {
      case 'credentials_rejected':
        this.metrics.sends.inc({ outcome: 'credentials_rejected' });
        if (!(await this.authPause.credentialsRejected(item.organizationId, error.message))) return this.waitForCredentials(item, workerId);
        return (await this.fail(item, workerId, `CREDENTIALS_REJECTED: ${error.message}`, error.status)) ? 'failed' : 'released';
      case 'retryable':
      case 'version_conflict':
        if (error.retryAfterMs !== null) await this.rateLimiter.pause(pemsTenantKey(connection), error.retryAfterMs);
        return this.retryOrFail(item, workerId, error.message, error.status, error.retryAfterMs);
      default:
        return (await this.fail(item, workerId, error.message, error.status)) ? 'failed' : 'released';
    }
  }

  /** Once PEMS has refused a server's credentials, no further write is thrown at it until the pause ends. */
  private async assertNotPaused(organizationId: string): Promise<void> {
    if (await this.authPause.isPaused(organizationId)) throw new ServerPausedError();
  }

  /** The server is paused for rejected credentials: the item goes back to wait for the pause to end, costing no retry. */
  private async waitForCredentials(item: PfaWriteQueueItem, workerId: string): Promise<ItemOutcome> {
    const released = await this.queue.retryLater(item, workerId, 0, "Waiting: PEMS rejected the server's credentials", 401, false);
    return released ? 'retry' : 'released';
  }

  private async retryOrFail(item: PfaWriteQueueItem, workerId: string, reason: string, statusCode: number | null, retryAfterMs: number | null): Promise<ItemOutcome> {
    if (item.retryCount >= item.maxRetries) {
      const message = `${reason} (gave up after ${item.retryCount} ${item.retryCount === 1 ? 'retry' : 'retries'})`;
      return (await this.fail(item, workerId, message, statusCode)) ? 'failed' : 'released';
    }
    const delays = this.config.PEMS_WRITE_SYNC_RETRY_DELAYS_MS;
    const delay = Math.max(delays[Math.min(item.retryCount, delays.length - 1)] ?? 0, retryAfterMs ?? 0);
    this.metrics.sends.inc({ outcome: 'retry' });
    return (await this.queue.retryLater(item, workerId, delay, reason, statusCode)) ? 'retry' : 'released';
  }

  private async fail(item: PfaWriteQueueItem, workerId: string, reason: string, statusCode: number | null): Promise<boolean> {
    const done = await this.dataSource.transaction(async (manager) => {
      if (!(await this.queue.finish(manager, item, workerId, { status: 'failed', error: reason, statusCode }))) return false;
      await manager.getRepository(PfaModification).update(item.modificationId, { status: 'failed', syncError: reason });
      await this.events.publish({ type: 'sync.failed', organizationId: item.organizationId, modificationId: item.modificationId, queueItemId: item.id, pfaId: item.pfaId, detail: reason }, manager);
      return true;
    });
    if (done) this.metrics.sends.inc({ outcome: 'failed' });
    return done;
  }
}
