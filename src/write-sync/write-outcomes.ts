import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConflictStore } from '../conflicts/conflict-store';
import { SyncMetricsService } from '../metrics/sync-metrics.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PemsRecord } from '../pems/client/pems-client.types';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { PfaWriteQueueItem } from '../write-queue/entities/pfa-write-queue.entity';
import { WriteQueueService } from '../write-queue/write-queue.service';
import { AppConfig } from '../config/app-config';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service';
import { RetryPolicy } from './retry-policy';
import { WriteVerdict } from './write-conflict-check';
import { WriteCompletionBatcher } from './write-completion.batcher';

/**
 * How an attempt ended, for the run's counts and the metrics. `released`: the attempt recorded
 * nothing, because its claim no longer holds the item (it was taken back and is another
 * attempt's now), or because nothing could be written (the item is left to its lease).
 */
export type ItemOutcome = 'completed' | 'already_applied' | 'retry' | 'failed' | 'conflict' | 'released';

/**
 * Records how an attempt ended: each outcome one transaction that moves the queue item and its
 * modification (WriteQueueService, ModificationStates), records a conflict (ConflictStore),
 * tells the editor (NotificationsService), publishes the event and counts the metric. Every method answers false, or 'released', when
 * the attempt's claim no longer holds the item.
 */
@Injectable()
export class WriteOutcomes {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly queue: WriteQueueService,
    private readonly completions: WriteCompletionBatcher,
    private readonly conflicts: ConflictStore,
    private readonly events: SyncEventsService,
    private readonly metrics: SyncMetricsService,
    private readonly notifications: NotificationsService,
    private readonly webhooks: WebhookDeliveries,
  ) {}

  /** Item completed, modification synced and, when PEMS answered with the record, the mirror moved on: one transaction, shared with other completions. */
  async completed(item: PfaWriteQueueItem, stored: PemsRecord | null, statusCode: number | null): Promise<boolean> {
    const done = await this.completions.complete({ item, stored, statusCode });
    if (done) this.metrics.sends.inc({ outcome: stored && statusCode === 200 ? 'success' : 'already_applied' });
    return done;
  }

  /** The item fails on a version conflict, its modification goes to `conflict` and the conflict is recorded for a person to resolve. */
  async conflict(item: PfaWriteQueueItem, { modification, theirs, found }: Extract<WriteVerdict, { verdict: 'conflict' }>): Promise<ItemOutcome> {
    const recorded = await this.dataSource.transaction(async (manager) => {
      const ended = await this.queue.fail(manager, item, {
        reason: 'VERSION_CONFLICT',
        statusCode: 409,
        modification: 'conflict',
        modificationError: `VERSION_CONFLICT: PEMS changed ${found.conflictFields.join(', ')} meanwhile`,
      });
      if (!ended) return false;
      const conflict = await this.conflicts.record(manager, {
        modification,
        pfaId: item.pfaId,
        queueItemId: item.id,
        pemsVersion: theirs.version,
        conflictFields: found.conflictFields,
        localData: found.localData,
        pemsData: found.pemsData,
        baseData: found.baseData,
      });
      await this.events.publish(
        {
          type: 'conflict.created',
          organizationId: item.organizationId,
          modificationId: modification.id,
          queueItemId: item.id,
          conflictId: conflict.id,
          pfaId: item.pfaId,
          detail: found.conflictFields.join(','),
        },
        manager,
      );
      return true;
    });
    if (!recorded) return 'released';
    this.metrics.conflicts.inc();
    this.metrics.sends.inc({ outcome: 'conflict' });
    return 'conflict';
  }

  /** The item and its modification fail with `reason`; in the same transaction the editor is notified and the organization's sync.failed webhook delivery is queued. */
  async failed(item: PfaWriteQueueItem, reason: string, statusCode: number | null): Promise<ItemOutcome> {
    const done = await this.dataSource.transaction(async (manager) => {
      if (!(await this.queue.fail(manager, item, { reason, statusCode, modification: 'fail' }))) return false;
      await this.notifications.editsEnded(manager, 'edit.failed', [{ modificationId: item.modificationId, pfaId: item.pfaId, reason }]);
      await this.events.publish(
        { type: 'sync.failed', organizationId: item.organizationId, modificationId: item.modificationId, queueItemId: item.id, pfaId: item.pfaId, detail: reason },
        manager,
      );
      await this.webhooks.enqueue(manager, {
        organizationId: item.organizationId,
        event: 'sync.failed',
        data: { modificationId: item.modificationId, queueItemId: item.id, pfaId: item.pfaId, error: reason, statusCode },
      });
      return true;
    });
    if (done) this.metrics.sends.inc({ outcome: 'failed' });
    return done ? 'failed' : 'released';
  }

  /** Back to the queue for `delayMs`, costing no retry (a pause, a server switched off, a write PEMS took but we could not record). */
  async waitWithoutRetry(item: PfaWriteQueueItem, delayMs: number, reason: string, statusCode: number | null = null): Promise<ItemOutcome> {
    return (await this.queue.retryLater(item, delayMs, reason, statusCode, false)) ? 'retry' : 'released';
  }

  /** The organization's server was switched off or made read-only after the claim: the item waits for it (the first retry delay), costing no retry. */
  waitForServer(item: PfaWriteQueueItem, reason: string): Promise<ItemOutcome> {
    return this.waitWithoutRetry(item, this.config.PEMS_WRITE_SYNC_RETRY_DELAYS_MS[0] ?? 5000, reason);
  }

  /** The server is paused for rejected credentials: the item waits for the pause to end, costing no retry. */
  waitForCredentials(item: PfaWriteQueueItem): Promise<ItemOutcome> {
    return this.waitWithoutRetry(item, 0, "Waiting: PEMS rejected the server's credentials", 401);
  }

  /** An admin paused the server's writes: the item waits for the resume (which wakes the workers), costing no retry. */
  waitForResume(item: PfaWriteQueueItem): Promise<ItemOutcome> {
    return this.waitWithoutRetry(item, 0, 'Waiting: an admin paused the writes to PEMS');
  }

  /** A failure worth retrying: retried after the policy's delay, or failed after the last retry (RetryPolicy.afterFailure). */
  async afterFailure(item: PfaWriteQueueItem, reason: string, statusCode: number | null, retryAfterMs: number | null): Promise<ItemOutcome> {
    const next = RetryPolicy.afterFailure(item, reason, retryAfterMs, this.config.PEMS_WRITE_SYNC_RETRY_DELAYS_MS);
    if (next.step === 'fail') return this.failed(item, next.reason, statusCode);
    this.metrics.sends.inc({ outcome: 'retry' });
    return (await this.queue.retryLater(item, next.delayMs, next.reason, statusCode)) ? 'retry' : 'released';
  }

  /** The delay before the item's next retry, by the policy. */
  retryDelay(item: PfaWriteQueueItem): number {
    return RetryPolicy.retryDelay(item.retryCount, this.config.PEMS_WRITE_SYNC_RETRY_DELAYS_MS);
  }
}
