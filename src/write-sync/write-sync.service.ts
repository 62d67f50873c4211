import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { FieldError } from '../common/errors/app.exception';
import { ApiServer } from '../organizations/entities/api-server.entity';
import { PemsConnection } from '../pems/client/pems-client.types';
import { PemsConnectionFactory } from '../pems/pems-connection.factory';
import { PemsRateLimiter } from '../pems/client/pems-rate-limiter';
import { PfaModification, UNSYNCED_MODIFICATION_STATUSES } from '../pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../pfa/entities/pfa-record.entity';
import { PfaChangeCheck, effectiveBefore, invalidChange } from '../pfa/change-check';
import { lockRecordsById } from '../pfa/record-locks';
import { WriteSyncRequestDto, WriteSyncResponseDto } from './dto/write-sync.dto';
import { WriteSyncException } from './write-sync-errors';
import { WriteQueueService } from '../write-queue/write-queue.service';

const DEFAULT_PRIORITY = 5;
const LARGE_ENQUEUE = 1000;

/** POST /api/pems/write-sync: the organization's pending modifications (or the listed ones) into the queue, all or none. */
@Injectable()
export class WriteSyncService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: PemsConnectionFactory,
    private readonly changeCheck: PfaChangeCheck,
    private readonly queue: WriteQueueService,
    private readonly rateLimiter: PemsRateLimiter,
  ) {}

  /** `callerId`: who asks; with `request.mine`, only their modifications are queued. */
  async queueModifications(request: WriteSyncRequestDto, callerId: string): Promise<WriteSyncResponseDto> {
    const { server, connection } = await this.connections.forOrganization(request.organizationId, { forWriting: true });
    const response = await this.queueInTransaction(request, callerId, server, connection);
    // Thousands of new pending rows leave the planner's statistics stale until autovacuum
    // analyzes the table; analyze it now. (The claim is planned to be safe on stale statistics
    // too: before it was, one claim took 42 s here, docs/performance.md.)
    if (response.queuedCount >= LARGE_ENQUEUE) await this.queue.refreshPlannerStatistics();
    return response;
  }

  private queueInTransaction(request: WriteSyncRequestDto, callerId: string, server: ApiServer, connection: PemsConnection): Promise<WriteSyncResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      const modifications = await this.lockPending(manager, request, callerId);
      if (modifications.length === 0) {
        return { success: true, jobId: null, queuedCount: 0, estimatedCompletionTime: new Date().toISOString() };
      }
      const errors = await this.revalidate(manager, modifications);
      if (errors.length > 0) throw invalidChange(errors, `${new Set(errors.map((error) => error.field.split('.')[0])).size} modification(s) fail validation; nothing was queued`);

      const jobId = randomUUID();
      const queuedCount = await this.queue.enqueue(manager, {
        organizationId: request.organizationId,
        modificationIds: modifications.map((modification) => modification.id),
        priority: request.priority ?? DEFAULT_PRIORITY,
        jobId,
      });
      const backlog = await this.queue.liveItemsOfTenant(manager, server.tenantKey);
      const seconds = (backlog * this.rateLimiter.spacingMs(connection.rateLimitPerSecond)) / 1000;
      return { success: true, jobId: queuedCount > 0 ? jobId : null, queuedCount, estimatedCompletionTime: new Date(Date.now() + seconds * 1000).toISOString() };
    });
  }

  /**
   * Locks the pending modifications to queue, after their records (record-locks.ts): an edit of
   * the same record waits until they are queued, then makes a new modification, never folds into
   * a queued one; two requests queueing edits of one record take turns, so each record's items
   * join the queue in the order their requests commit. Oldest first. Listed ids must be this
   * organization's pending or queued modifications (queued ones are skipped). Only pending
   * modifications are locked: one already queued may be being claimed right now, and its claim
   * must not wait for us while we wait for it (the live-item index).
   */
  private async lockPending(manager: EntityManager, request: WriteSyncRequestDto, callerId: string): Promise<PfaModification[]> {
    const repository = manager.getRepository(PfaModification);
    const whose = request.mine ? { userId: callerId } : {};
    const wanted = request.modificationIds
      ? await repository.find({ select: { id: true, recordId: true, status: true }, where: { id: In(request.modificationIds), organizationId: request.organizationId, ...whose } })
      : await repository.find({ select: { id: true, recordId: true, status: true }, where: { organizationId: request.organizationId, status: 'pending', ...whose } });
    if (request.modificationIds) {
      const acceptable = new Set(wanted.filter((modification) => ['pending', 'queued'].includes(modification.status)).map((modification) => modification.id));
      const unknown = request.modificationIds.filter((id) => !acceptable.has(id));
      if (unknown.length > 0) throw WriteSyncException.unknown(unknown);
    }
    const pending = wanted.filter((modification) => modification.status === 'pending');
    await lockRecordsById(
      manager,
      pending.map((modification) => modification.recordId),
    );
    return repository
      .createQueryBuilder('m')
      .where('m.id = ANY(:ids) AND m.status = :pending', { ids: pending.map((modification) => modification.id), pending: 'pending' })
      .orderBy('m.created_at', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * Each modification is checked again against the record as it stands now: the mirror
   * (perhaps moved on by a read sync) with the unsynced modifications made before it. A
   * change PEMS already holds is not an error here: the worker completes it without a write.
   */
  private async revalidate(manager: EntityManager, modifications: PfaModification[]): Promise<FieldError[]> {
    const recordIds = [...new Set(modifications.map((modification) => modification.recordId))];
    const [records, unsynced] = await Promise.all([
      manager.getRepository(PfaRecord).findBy({ id: In(recordIds) }),
      manager.getRepository(PfaModification).find({ where: { recordId: In(recordIds), status: In(UNSYNCED_MODIFICATION_STATUSES) }, order: { createdAt: 'ASC' } }),
    ]);
    const recordsById = new Map(records.map((record) => [record.id, record]));
    const unsyncedByRecord = new Map<string, PfaModification[]>();
    for (const other of unsynced) unsyncedByRecord.set(other.recordId, [...(unsyncedByRecord.get(other.recordId) ?? []), other]);
    const errors: FieldError[] = [];
    for (const modification of modifications) {
      const before = effectiveBefore(recordsById.get(modification.recordId)!.data, unsyncedByRecord.get(modification.recordId) ?? [], modification);
      for (const error of this.changeCheck.check(before, modification.changes, { noChange: 'allowed' }).errors) {
        errors.push({ ...error, field: `${modification.id}.${error.field}` });
      }
    }
    return errors;
  }
}
