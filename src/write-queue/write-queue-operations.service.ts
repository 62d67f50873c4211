import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Page } from '../common/dto/pagination.dto';
import { NotFoundAppException } from '../common/errors/app.exception';
import { PfaModification } from '../pfa/entities/pfa-modification.entity';
import { ModificationDto } from '../pfa/dto/pfa-record.dto';
import { ModificationStates } from '../pfa/modification-states';
import { PfaException } from '../pfa/pfa-errors';
import { toModificationDto } from '../pfa/pfa-views';
import { lockRecordsById, lockRecordsByKey } from '../pfa/record-locks';
import {
  CancelQueueItemsDto,
  CancelQueueItemsResponseDto,
  QueueItemDetailDto,
  QueueItemDto,
  RetryQueueItemsDto,
  RetryQueueItemsResponseDto,
  WriteQueueQueryDto,
} from './dto/write-queue.dto';
import { PfaWriteQueueItem } from './entities/pfa-write-queue.entity';
import { QueueItemFilter, whereQueueItemsMatch } from './queue-item-filter';
import { toQueueItemDetailDto, toQueueItemDto } from './queue-item-view';
import { WriteQueueException } from './write-queue-errors';
import { QueueSelection, RetryCandidate, WriteQueueService } from './write-queue.service';

/** What people do with the queue: look at it, send failed items again, cancel a waiting item, discard an unsent modification. */
@Injectable()
export class WriteQueueOperationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: WriteQueueService,
    private readonly modifications: ModificationStates,
  ) {}

  async list(query: WriteQueueQueryDto): Promise<Page<QueueItemDto>> {
    const [items, total] = await whereQueueItemsMatch(this.dataSource.getRepository(PfaWriteQueueItem).createQueryBuilder('q'), query.organizationId, query)
      .orderBy('q.createdAt', 'DESC')
      .addOrderBy('q.seq', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items: items.map(toQueueItemDto), total, page: query.page, pageSize: query.pageSize };
  }

  /** One item with its attempts, its due time and lease, and its modification. The guard has checked its organization. */
  async getOne(id: string): Promise<QueueItemDetailDto> {
    const item = await this.dataSource.getRepository(PfaWriteQueueItem).findOne({ where: { id }, relations: { modification: { user: true } } });
    if (!item) throw new NotFoundAppException('Queue item');
    return toQueueItemDetailDto(item);
  }

  /**
   * Failed items back to `pending`, due now, with their retries counted afresh; their
   * modifications back to `queued`. Only a modification's newest item can be retried, and it
   * sends the modification's changes and base as they are now (a resolution may have changed
   * them); it goes to the back of its record's line, behind edits queued meanwhile. Items
   * failed by a version conflict are left alone: their conflict is resolved instead. Listed
   * ids that cannot be retried are reported, not an error; so are failed items matching the
   * filter (or, with neither, every failed item) that cannot be.
   */
  async retry(request: RetryQueueItemsDto): Promise<RetryQueueItemsResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      const candidates = await this.queue.lockRetryCandidates(manager, request.organizationId, selectionOf(request));
      const skipped: Array<{ id: string; reason: string }> = [];
      const retryable: string[] = [];
      const found = new Set(candidates.map((candidate) => candidate.id));
      for (const id of request.ids ?? []) if (!found.has(id)) skipped.push({ id, reason: 'no such item in this organization' });
      for (const candidate of candidates) {
        const reason = whyNotRetryable(candidate);
        if (reason) skipped.push({ id: candidate.id, reason });
        else retryable.push(candidate.id);
      }
      const retriedCount = await this.queue.retryFailed(manager, request.organizationId, retryable);
      return { retriedCount, skipped };
    });
  }

  /**
   * Many pending items cancelled at once, each as `cancel` does it, in one transaction: the listed
   * items, or the pending items matching the filter (with neither, every pending item of the
   * organization). Items not pending (being sent, done, cancelled by someone else meanwhile) are
   * skipped with the reason, as are listed ids not found in the organization.
   */
  async cancelMany(request: CancelQueueItemsDto): Promise<CancelQueueItemsResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      const candidates = await this.queue.lockCancelCandidates(manager, request.organizationId, selectionOf(request));
      const cancelled = await this.queue.cancelAll(
        manager,
        candidates.map((candidate) => candidate.id),
        'Cancelled by a user',
      );
      await this.modifications.move(
        manager,
        'unqueue',
        cancelled.map((item) => item.modificationId),
      );
      const done = new Set(cancelled.map((item) => item.id));
      const found = new Set(candidates.map((candidate) => candidate.id));
      const skipped: Array<{ id: string; reason: string }> = [];
      for (const id of request.ids ?? []) if (!found.has(id)) skipped.push({ id, reason: 'no such item in this organization' });
      const left = candidates.filter((candidate) => !done.has(candidate.id)).map((candidate) => candidate.id);
      if (left.length > 0) {
        // As they are now: the cancel waited for whatever held them.
        const now = await manager.getRepository(PfaWriteQueueItem).find({ select: { id: true, status: true }, where: { id: In(left) }, order: { id: 'ASC' } });
        for (const item of now) skipped.push({ id: item.id, reason: `the item is ${item.status}, not pending` });
      }
      return { cancelledCount: cancelled.length, skipped };
    });
  }

  /** A pending item becomes `cancelled` and its modification `pending` again, to be edited or queued later. */
  async cancel(id: string): Promise<QueueItemDto> {
    return this.dataSource.transaction(async (manager) => {
      const found = await manager.getRepository(PfaWriteQueueItem).findOneBy({ id });
      if (!found) throw new NotFoundAppException('Queue item');
      // Lock order (record-locks.ts): the record, then the item and its modification.
      await lockRecordsByKey(manager, [found]);
      const cancelled = await this.queue.cancel(manager, id, 'Cancelled by a user');
      if (!cancelled) throw WriteQueueException.notCancellable((await manager.getRepository(PfaWriteQueueItem).findOneByOrFail({ id })).status);
      await this.modifications.move(manager, 'unqueue', [cancelled.modificationId]);
      return toQueueItemDto(cancelled);
    });
  }

  /**
   * Discards a modification not yet sent: a `pending` one, or a `queued` one whose queue item
   * has not been claimed (the item is cancelled with it). Anything further along answers 409.
   * Locks in the order of record-locks.ts: the record, the live queue item, the modification.
   * (It lives with the queue because it may cancel an item; pfa, which the queue builds on,
   * cannot.)
   */
  async discard(id: string): Promise<ModificationDto> {
    return this.dataSource.transaction(async (manager) => {
      const found = await manager.getRepository(PfaModification).findOne({ select: { id: true, recordId: true }, where: { id } });
      if (!found) throw new NotFoundAppException('Modification');
      await lockRecordsById(manager, [found.recordId]);
      const item = await this.queue.liveItemOf(manager, id);
      const modification = await manager.getRepository(PfaModification).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (modification.status === 'queued') {
        if (item?.status === 'processing') throw PfaException.notDiscardable('queued', 'it is being sent to PEMS right now');
        if (item) await this.queue.cancel(manager, item.id, 'Discarded by a user');
      } else if (modification.status !== 'pending') {
        throw PfaException.notDiscardable(modification.status, 'only pending or queued modifications can be');
      }
      await this.modifications.move(manager, 'discard', [id]);
      const [withRelations] = await manager.getRepository(PfaModification).find({ where: { id }, relations: { user: true, record: true } });
      return toModificationDto(withRelations, withRelations.record!.pfaId);
    });
  }
}

/** The listed ids, or the filter ("all matching"; no filter: every item in the status the action starts from). */
function selectionOf(request: { ids?: string[]; filter?: QueueItemFilter }): QueueSelection {
  return request.ids ? { ids: request.ids } : { filter: request.filter ?? {} };
}

/** Why an operator's retry passes an item by; null when it may be retried. */
function whyNotRetryable(candidate: RetryCandidate): string | null {
  const status = candidate.modificationStatus;
  if (candidate.status !== 'failed') return `the item is ${candidate.status}, not failed`;
  if (status === 'conflict') return 'its modification is in conflict: resolve the conflict instead';
  if (!candidate.newest) return 'a newer item of its modification replaced it';
  if (candidate.lastError === 'VERSION_CONFLICT') return 'it ended in a version conflict, which was resolved with a new item';
  if (status !== 'failed') return `its modification is ${status}`;
  if (candidate.liveSibling) return 'its modification is queued again already';
  return null;
}
