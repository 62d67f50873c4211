import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { Page } from '../common/dto/pagination.dto';
import { NotFoundAppException } from '../common/errors/app.exception';
import { PfaModification } from '../pfa/entities/pfa-modification.entity';
import { lockRecordsByKey } from '../pfa/record-locks';
import { QueueItemDto, RetryQueueItemsDto, RetryQueueItemsResponseDto, WriteQueueQueryDto } from './dto/write-queue.dto';
import { PfaWriteQueueItem } from './entities/pfa-write-queue.entity';
import { toQueueItemDto } from './queue-item-view';
import { WriteSyncException } from './write-sync-errors';
import { WRITE_QUEUE_CHANNEL } from './write-queue.service';

/** What operators do with the queue: look at it, send failed items again, cancel a waiting one. */
@Injectable()
export class WriteQueueOperationsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(query: WriteQueueQueryDto): Promise<Page<QueueItemDto>> {
    const where: FindOptionsWhere<PfaWriteQueueItem> = { organizationId: query.organizationId };
    if (query.status) where.status = query.status;
    const [items, total] = await this.dataSource.getRepository(PfaWriteQueueItem).findAndCount({
      where,
      order: { createdAt: 'DESC', seq: 'DESC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: items.map(toQueueItemDto), total, page: query.page, pageSize: query.pageSize };
  }

  /**
   * Failed items back to `pending`, due now, with their retries counted afresh; their
   * modifications back to `queued`. Only a modification's newest item can be retried, and it
   * sends the modification's changes and base as they are now (a resolution may have changed
   * them); it goes to the back of its record's line, behind edits queued meanwhile. Items
   * failed by a version conflict are left alone: their conflict is resolved instead. Listed
   * ids that cannot be retried are reported, not an error.
   */
  async retry(request: RetryQueueItemsDto): Promise<RetryQueueItemsResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      const wanted: Array<{ organization_id: string; pfa_id: string }> = await manager.query(
        `SELECT DISTINCT organization_id, pfa_id FROM pfa_write_queue
         WHERE organization_id = $1 AND ${request.ids ? 'id = ANY($2::uuid[])' : "status = 'failed'"}`,
        request.ids ? [request.organizationId, request.ids] : [request.organizationId],
      );
      // Lock order (record-locks.ts): records, queue items, modifications.
      await lockRecordsByKey(manager, wanted.map((row) => ({ organizationId: row.organization_id, pfaId: row.pfa_id })));
      const candidates: Array<{ id: string; status: string; last_error: string | null; modification_id: string; newest: boolean; live_sibling: boolean }> = await manager.query(
        `SELECT q.id, q.status, q.last_error, q.modification_id,
                NOT EXISTS (SELECT 1 FROM pfa_write_queue later WHERE later.modification_id = q.modification_id AND later.seq > q.seq) AS newest,
                EXISTS (SELECT 1 FROM pfa_write_queue other WHERE other.modification_id = q.modification_id AND other.status IN ('pending', 'processing')) AS live_sibling
         FROM pfa_write_queue q
         WHERE q.organization_id = $1 AND ${request.ids ? 'q.id = ANY($2::uuid[])' : "q.status = 'failed'"}
         ORDER BY q.id FOR UPDATE OF q`,
        request.ids ? [request.organizationId, request.ids] : [request.organizationId],
      );
      const modifications: Array<{ id: string; status: string }> = await manager.query(
        `SELECT id, status FROM pfa_modification WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [[...new Set(candidates.map((candidate) => candidate.modification_id))]],
      );
      const modificationStatus = new Map(modifications.map((modification) => [modification.id, modification.status]));
      const skipped: Array<{ id: string; reason: string }> = [];
      const retryable: string[] = [];
      const found = new Set(candidates.map((candidate) => candidate.id));
      for (const id of request.ids ?? []) if (!found.has(id)) skipped.push({ id, reason: 'no such item in this organization' });
      for (const candidate of candidates) {
        const status = modificationStatus.get(candidate.modification_id);
        if (candidate.status !== 'failed') skipped.push({ id: candidate.id, reason: `the item is ${candidate.status}, not failed` });
        else if (status === 'conflict') skipped.push({ id: candidate.id, reason: 'its modification is in conflict: resolve the conflict instead' });
        else if (!candidate.newest) skipped.push({ id: candidate.id, reason: 'a newer item of its modification replaced it' });
        else if (candidate.last_error === 'VERSION_CONFLICT') skipped.push({ id: candidate.id, reason: 'it ended in a version conflict, which was resolved with a new item' });
        else if (status !== 'failed') skipped.push({ id: candidate.id, reason: `its modification is ${status}` });
        else if (candidate.live_sibling) skipped.push({ id: candidate.id, reason: 'its modification is queued again already' });
        else retryable.push(candidate.id);
      }
      if (retryable.length > 0) {
        await manager.query(
          `WITH retried AS (
             UPDATE pfa_write_queue q
             SET status = 'pending', retry_count = 0, resend_count = 0, scheduled_at = now(), completed_at = NULL,
                 locked_by = NULL, locked_until = NULL, lease_token = NULL, seq = DEFAULT,
                 payload = jsonb_build_object('changes', m.changes, 'baseVersion', m.base_version)
             FROM pfa_modification m
             WHERE q.id = ANY($1::uuid[]) AND m.id = q.modification_id
             RETURNING q.modification_id)
           UPDATE pfa_modification SET status = 'queued', sync_error = NULL, updated_at = now() WHERE id IN (SELECT modification_id FROM retried)`,
          [retryable],
        );
        await manager.query('SELECT pg_notify($1, $2)', [WRITE_QUEUE_CHANNEL, request.organizationId]);
      }
      return { retriedCount: retryable.length, skipped };
    });
  }

  /** A pending item becomes `cancelled` and its modification `pending` again, to be edited or queued later. */
  async cancel(id: string): Promise<QueueItemDto> {
    return this.dataSource.transaction(async (manager) => {
      const found = await manager.getRepository(PfaWriteQueueItem).findOneBy({ id });
      if (!found) throw new NotFoundAppException('Queue item');
      // Lock order (record-locks.ts): the record, the item, the modification.
      await lockRecordsByKey(manager, [found]);
      const item = await manager.getRepository(PfaWriteQueueItem).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (item.status !== 'pending') throw WriteSyncException.notCancellable(item.status);
      item.status = 'cancelled';
      item.completedAt = new Date();
      item.lastError = 'Cancelled by a user';
      const saved = await manager.getRepository(PfaWriteQueueItem).save(item);
      await manager.getRepository(PfaModification).update({ id: item.modificationId, status: 'queued' }, { status: 'pending' });
      return toQueueItemDto(saved);
    });
  }
}
