import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returningRows } from '../database/returning-rows';
import { NotificationsService } from '../notifications/notifications.service';
import { PfaModification } from '../pfa/entities/pfa-modification.entity';
import { PfaChanges } from '../validation/pfa-fields';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service';
import { ConflictResolution, PfaSyncConflict } from './entities/pfa-sync-conflict.entity';

export interface NewConflict {
  modification: PfaModification;
  pfaId: string;
  queueItemId: string;
  pemsVersion: number;
  conflictFields: string[];
  localData: PfaChanges;
  pemsData: PfaChanges;
  baseData: PfaChanges;
}

/** How a conflict was resolved, as kept on record. */
export interface ConflictResolutionRecord {
  resolution: ConflictResolution;
  mergedData: PfaChanges | null;
  appliedChanges: PfaChanges | null;
  resolvedBy: string;
  resolvedAt: Date;
}

/**
 * The only writer of `pfa_sync_conflict`: a conflict is recorded `unresolved` (in the
 * transaction that fails its queue item and puts its modification in `conflict`:
 * WriteQueueService.fail) and resolved once (`unresolved` → `resolved`), inside the caller's
 * transaction. A new conflict queues the organization's conflict.created webhook delivery in that
 * same transaction.
 */
@Injectable()
export class ConflictStore {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly webhooks: WebhookDeliveries,
  ) {}

  /**
   * Records the conflict, and tells of it in the caller's transaction: its editor and the members
   * who resolve conflicts (NotificationsService), and the organization's webhook (WebhookDeliveries).
   */
  async record(manager: EntityManager, conflict: NewConflict): Promise<PfaSyncConflict> {
    const saved = await manager.getRepository(PfaSyncConflict).save(
      manager.getRepository(PfaSyncConflict).create({
        organizationId: conflict.modification.organizationId,
        pfaId: conflict.pfaId,
        modificationId: conflict.modification.id,
        queueItemId: conflict.queueItemId,
        localVersion: conflict.modification.baseVersion,
        pemsVersion: conflict.pemsVersion,
        conflictFields: conflict.conflictFields,
        localData: conflict.localData,
        pemsData: conflict.pemsData,
        baseData: conflict.baseData,
        status: 'unresolved',
      }),
    );
    await this.notifications.conflictCreated(manager, {
      conflictId: saved.id,
      organizationId: saved.organizationId,
      modificationId: saved.modificationId,
      recordId: conflict.modification.recordId,
      pfaId: saved.pfaId,
      editorId: conflict.modification.userId,
      conflictFields: saved.conflictFields,
    });
    await this.webhooks.enqueue(manager, {
      organizationId: saved.organizationId,
      event: 'conflict.created',
      data: { conflictId: saved.id, modificationId: saved.modificationId, queueItemId: conflict.queueItemId, pfaId: saved.pfaId, conflictFields: saved.conflictFields },
    });
    return saved;
  }

  /** `unresolved` → `resolved`, with how; false when it was resolved already. */
  async resolve(manager: EntityManager, id: string, how: ConflictResolutionRecord): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      manager,
      `UPDATE pfa_sync_conflict
       SET status = 'resolved', resolution = $2, merged_data = $3, applied_changes = $4, resolved_by = $5, resolved_at = $6
       WHERE id = $1 AND status = 'unresolved'
       RETURNING id`,
      [
        id,
        how.resolution,
        how.mergedData === null ? null : JSON.stringify(how.mergedData),
        how.appliedChanges === null ? null : JSON.stringify(how.appliedChanges),
        how.resolvedBy,
        how.resolvedAt,
      ],
    );
    return rows.length === 1;
  }
}
