import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In } from 'typeorm';
import { FieldError, NotFoundAppException, RequestValidationException } from '../common/errors/app.exception';
import { InternalError } from '../common/errors/internal.error';
import { PfaChangeCheck, effectiveBefore, invalidChange } from '../pfa/change-check';
import { PfaModification, UNSYNCED_MODIFICATION_STATUSES } from '../pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../pfa/entities/pfa-record.entity';
import { ModificationStates } from '../pfa/modification-states';
import { lockRecordsByKey } from '../pfa/record-locks';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { User } from '../auth/entities/user.entity';
import { PfaChanges, PfaData } from '../validation/pfa-fields';
import { PfaWriteQueueItem } from '../write-queue/entities/pfa-write-queue.entity';
import { WriteQueueService } from '../write-queue/write-queue.service';
import { ConflictException } from './conflict-errors';
import { ConflictStore } from './conflict-store';
import { ConflictDto, ConflictListDto, ListConflictsQueryDto, ResolveConflictDto, ResolveConflictResponseDto } from './dto/conflict.dto';
import { PfaSyncConflict } from './entities/pfa-sync-conflict.entity';

/** The conflicts people resolve (SPEC §8): listed, and resolved each in one transaction that is kept on record. */
@Injectable()
export class ConflictsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changeCheck: PfaChangeCheck,
    private readonly modifications: ModificationStates,
    private readonly queue: WriteQueueService,
    private readonly store: ConflictStore,
    private readonly events: SyncEventsService,
  ) {}

  async list(query: ListConflictsQueryDto): Promise<ConflictListDto> {
    const where: FindOptionsWhere<PfaSyncConflict> = { organizationId: query.organizationId };
    if (query.status) where.status = query.status;
    const [conflicts, total] = await this.dataSource.getRepository(PfaSyncConflict).findAndCount({
      where,
      relations: { modification: { user: true } },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { conflicts: conflicts.map(toConflictDto), total };
  }

  /**
   * Resolves a conflict, once: the row is locked, so of two people resolving at once exactly
   * one wins and the other gets 409. Locks in the order of record-locks.ts: the record, the
   * modification, the conflict.
   * - use_pems: PEMS's values stay; the modification is synced with no write.
   * - use_local / merge: the values (ours, or ours with mergedData over the conflicting
   *   fields) are validated and queued again on PEMS's version, with PEMS's current values as
   *   the new base. Fields already equal to PEMS's are not sent; with none left, nothing is.
   */
  async resolve(conflictId: string, user: User, input: ResolveConflictDto): Promise<ResolveConflictResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      const found = await manager.getRepository(PfaSyncConflict).findOneBy({ id: conflictId });
      if (!found) throw new NotFoundAppException('Conflict');
      await lockRecordsByKey(manager, [found]);
      const modification = await manager.getRepository(PfaModification).findOneOrFail({ where: { id: found.modificationId }, lock: { mode: 'pessimistic_write' } });
      const conflict = await manager.getRepository(PfaSyncConflict).findOneOrFail({ where: { id: conflictId }, lock: { mode: 'pessimistic_write' } });
      if (conflict.status === 'resolved') throw ConflictException.alreadyResolved();
      const record = await manager.getRepository(PfaRecord).findOneByOrFail({ organizationId: conflict.organizationId, pfaId: conflict.pfaId });
      checkMergeInput(input, conflict, modification);

      const resolvedAt = new Date();
      let appliedChanges: PfaChanges | null = null;
      if (input.resolution === 'use_pems') {
        await this.resolveWithoutWrite(manager, modification.id);
      } else {
        appliedChanges = await this.requeue(manager, conflict, modification, record, input);
      }

      const resolved = await this.store.resolve(manager, conflict.id, {
        resolution: input.resolution,
        mergedData: input.resolution === 'merge' ? (input.mergedData ?? null) : null,
        appliedChanges,
        resolvedBy: user.id,
        resolvedAt,
      });
      if (!resolved) throw ConflictException.alreadyResolved();
      await this.events.publish(
        {
          type: 'conflict.resolved',
          organizationId: conflict.organizationId,
          conflictId: conflict.id,
          modificationId: modification.id,
          pfaId: conflict.pfaId,
          detail: input.resolution,
        },
        manager,
      );
      return { success: true, conflictId: conflict.id, resolvedAt: resolvedAt.toISOString(), appliedChanges };
    });
  }

  /** The modification is synced with no write; it is `conflict` (its conflict is unresolved and both rows are locked), or the invariant broke. */
  private async resolveWithoutWrite(manager: EntityManager, modificationId: string): Promise<void> {
    if ((await this.modifications.move(manager, 'resolveWithoutWrite', [modificationId])).length !== 1) throw notInConflict(modificationId);
  }

  private async requeue(manager: EntityManager, conflict: PfaSyncConflict, modification: PfaModification, record: PfaRecord, input: ResolveConflictDto): Promise<PfaChanges> {
    const wanted: PfaChanges = input.resolution === 'merge' ? { ...modification.changes, ...input.mergedData } : { ...modification.changes };
    const unsynced = await manager.getRepository(PfaModification).find({
      where: { recordId: modification.recordId, status: In(UNSYNCED_MODIFICATION_STATUSES) },
      order: { createdAt: 'ASC' },
    });
    // Judged on the record as it stands before this modification; sent only where PEMS's values differ.
    const { changes: toSend, errors } = this.changeCheck.check(effectiveBefore(record.data, unsynced, modification), wanted, { noChange: 'allowed', reference: record.data });
    if (errors.length > 0) {
      if (input.resolution === 'merge')
        throw invalidChange(
          errors.map((error) => ({ ...error, field: `mergedData.${error.field}` })),
          'mergedData is invalid',
        );
      throw invalidChange(errors, "Our values no longer pass validation on PEMS's record; resolve with merge or use_pems");
    }
    if (Object.keys(toSend).length === 0) {
      await this.resolveWithoutWrite(manager, modification.id);
      return {};
    }
    const requeued = await this.modifications.requeueResolved(manager, modification.id, {
      changes: toSend,
      baseValues: Object.fromEntries(Object.keys(toSend).map((field) => [field, record.data[field as keyof PfaData] ?? null])),
      baseVersion: record.version,
    });
    if (!requeued) throw notInConflict(modification.id);
    const previous = conflict.queueItemId ? await manager.getRepository(PfaWriteQueueItem).findOneBy({ id: conflict.queueItemId }) : null;
    await this.queue.enqueue(manager, {
      organizationId: conflict.organizationId,
      modificationIds: [modification.id],
      priority: previous?.priority ?? 5,
      jobId: previous?.jobId ?? conflict.id,
    });
    return toSend;
  }
}

function checkMergeInput(input: ResolveConflictDto, conflict: PfaSyncConflict, modification: PfaModification): void {
  if (input.resolution !== 'merge') {
    if (input.mergedData !== undefined) {
      throw new RequestValidationException([{ field: 'mergedData', code: 'UNKNOWN_FIELD', message: 'mergedData goes with resolution merge only' }]);
    }
    return;
  }
  if (!input.mergedData) throw new RequestValidationException([{ field: 'mergedData', code: 'MISSING_REQUIRED_FIELD', message: 'merge needs mergedData' }]);
  const errors: FieldError[] = [];
  for (const field of conflict.conflictFields) {
    if (!(field in input.mergedData))
      errors.push({ field: `mergedData.${field}`, code: 'MISSING_REQUIRED_FIELD', message: `mergedData needs a value for the conflicting field ${field}` });
  }
  for (const field of Object.keys(input.mergedData)) {
    if (!(field in modification.changes)) {
      errors.push({ field: `mergedData.${field}`, code: 'UNKNOWN_FIELD', message: `${field} is not a field this modification changes` });
    }
  }
  if (errors.length > 0) throw invalidChange(errors, 'mergedData is invalid');
}

function toConflictDto(conflict: PfaSyncConflict): ConflictDto {
  const user: User | undefined = conflict.modification?.user;
  return {
    id: conflict.id,
    pfaId: conflict.pfaId,
    localVersion: conflict.localVersion,
    pemsVersion: conflict.pemsVersion,
    conflictFields: conflict.conflictFields,
    localData: conflict.localData,
    pemsData: conflict.pemsData,
    baseData: conflict.baseData,
    status: conflict.status,
    createdAt: conflict.createdAt,
    modifiedBy: user ? { username: user.username, email: user.email } : null,
    modificationId: conflict.modificationId,
    resolution: conflict.resolution,
    resolvedAt: conflict.resolvedAt,
    appliedChanges: conflict.appliedChanges,
  };
}

/** An unresolved conflict whose modification is not in `conflict`: a broken invariant, never the caller's fault. */
function notInConflict(modificationId: string): InternalError {
  return new InternalError(`Modification ${modificationId} of an unresolved conflict is not in conflict`);
}
