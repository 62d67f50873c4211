import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditLogService } from '../audit/audit-log.service';
import { FieldError, NotFoundAppException, RequestValidationException } from '../common/errors/app.exception';
import { InternalError } from '../common/errors/internal.error';
import { PfaChangeCheck, effectiveBefore } from '../pfa/change-check';
import { PfaModification, UNSYNCED_MODIFICATION_STATUSES } from '../pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../pfa/entities/pfa-record.entity';
import { ModificationStates } from '../pfa/modification-states';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { User } from '../auth/entities/user.entity';
import { PFA_FIELD_NAMES, PfaChanges, PfaData, pfaValuesEqual } from '../validation/pfa-fields';
import { PfaWriteQueueItem } from '../write-queue/entities/pfa-write-queue.entity';
import { WriteQueueService } from '../write-queue/write-queue.service';
import { ConflictErrorCode, ConflictException } from './conflict-errors';
import { ConflictStore } from './conflict-store';
import {
  BulkResolutionResultDto,
  BulkResolveConflictsDto,
  BulkResolveConflictsResponseDto,
  CheckResolutionResponseDto,
  ConflictDto,
  ConflictFilterDto,
  ConflictListDto,
  ConflictResolverDto,
  ListConflictsQueryDto,
  MAX_BULK_CONFLICTS,
  PemsOnlyChangeDto,
  ResolveConflictDto,
  ResolveConflictResponseDto,
} from './dto/conflict.dto';
import { PfaSyncConflict } from './entities/pfa-sync-conflict.entity';

/**
 * Conflicts a bulk resolution works on at once, each in its own transaction and connection. A
 * resolution is about fourteen short round trips, mostly waiting on PostgreSQL, so a few at once
 * overlap their waits (docs/performance.md, "Bulk conflict resolution"). Six of the pool's ten
 * connections leave room for the worker and other requests meanwhile.
 */
const BULK_CONCURRENCY = 6;

/**
 * What resolving a conflict would do, judged by the resolution's rules (checkMergeInput, then
 * PfaChangeCheck on the record as it stands): resolve applies it, check only reports it.
 */
interface ResolutionPlan {
  conflict: PfaSyncConflict;
  modification: PfaModification;
  record: PfaRecord;
  /** Every rule the resolution breaks; empty when it may be applied. */
  errors: FieldError[];
  /** The 400's message when `errors` is not empty. */
  message: string;
  /** use_local / merge: the values that would be sent (those PEMS does not hold already); null for use_pems. */
  toSend: PfaChanges | null;
}

/** The conflicts people resolve (SPEC §8): listed, checked, and resolved each in one transaction that is kept on record. */
@Injectable()
export class ConflictsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changeCheck: PfaChangeCheck,
    private readonly modifications: ModificationStates,
    private readonly queue: WriteQueueService,
    private readonly store: ConflictStore,
    private readonly events: SyncEventsService,
    private readonly audit: AuditLogService,
  ) {}

  /** The organization's conflicts matching the query, unresolved first, then newest first. */
  async list(query: ListConflictsQueryDto): Promise<ConflictListDto> {
    const [conflicts, total] = await this.matching(query.organizationId, query)
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getManyAndCount();
    return { conflicts: await this.toDtos(conflicts), total };
  }

  async getOne(conflictId: string): Promise<ConflictDto> {
    const conflict = await this.dataSource
      .getRepository(PfaSyncConflict)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.modification', 'm')
      .leftJoinAndSelect('m.user', 'u')
      .where('c.id = :conflictId', { conflictId })
      .getOne();
    if (!conflict) throw new NotFoundAppException('Conflict');
    const [dto] = await this.toDtos([conflict]);
    return dto;
  }

  /** The list's query: one row per conflict (both joins are many-to-one), so LIMIT and OFFSET page it exactly. */
  private matching(organizationId: string, filter: ConflictFilterDto) {
    const builder = this.dataSource
      .getRepository(PfaSyncConflict)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.modification', 'm')
      .leftJoinAndSelect('m.user', 'u')
      .where('c.organizationId = :organizationId', { organizationId });
    if (filter.status) builder.andWhere('c.status = :status', { status: filter.status });
    if (filter.pfaId) builder.andWhere('c.pfaId = :pfaId', { pfaId: filter.pfaId });
    if (filter.modifiedBy) builder.andWhere('m.userId = :modifiedBy', { modifiedBy: filter.modifiedBy });
    if (filter.from) builder.andWhere('c.createdAt >= :from', { from: filter.from });
    if (filter.to) builder.andWhere('c.createdAt < :to', { to: filter.to });
    // 'unresolved' sorts after 'resolved': descending puts the unresolved first (the only two statuses).
    return builder.orderBy('c.status', 'DESC').addOrderBy('c.createdAt', 'DESC').addOrderBy('c.id', 'ASC');
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
  async resolve(
    conflictId: string,
    user: User,
    input: ResolveConflictDto,
    /** Runs last in the resolution's transaction (a bulk resolution's audit entry). */
    alsoInTransaction?: (manager: EntityManager, resolved: { pfaId: string; appliedChanges: PfaChanges | null }) => Promise<void>,
  ): Promise<ResolveConflictResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      const plan = await this.plan(manager, conflictId, input, 'lock');
      if (plan.errors.length > 0) throw new RequestValidationException(plan.errors, plan.message);
      const { conflict, modification, record } = plan;

      const resolvedAt = new Date();
      let appliedChanges: PfaChanges | null = null;
      if (plan.toSend === null) {
        await this.resolveWithoutWrite(manager, modification.id);
      } else {
        appliedChanges = await this.requeue(manager, conflict, modification, record, plan.toSend);
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
      await alsoInTransaction?.(manager, { pfaId: conflict.pfaId, appliedChanges });
      return { success: true, conflictId: conflict.id, resolvedAt: resolvedAt.toISOString(), appliedChanges };
    });
  }

  /**
   * What resolve would answer, without changing anything: the same plan, read in one snapshot
   * and without locks (a live check must not wait for the worker or an edit). 409 for a resolved
   * conflict, as resolve; anything resolve would refuse with 400 VALIDATION_FAILED is `valid:
   * false` with the same errors.
   */
  async check(conflictId: string, input: ResolveConflictDto): Promise<CheckResolutionResponseDto> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const plan = await this.plan(manager, conflictId, input, 'read');
      const valid = plan.errors.length === 0;
      return { valid, errors: plan.errors, appliedChanges: valid ? plan.toSend : null };
    });
  }

  /**
   * Resolves many conflicts with one side for all: each in its own transaction through resolve
   * (same locks, same rules, its own resolution record), a few at a time, and each audited as its
   * own conflict.resolve in that transaction. A conflict that cannot be resolved does not
   * stop the others: it is answered already_resolved, invalid or not_found.
   */
  async resolveMany(input: BulkResolveConflictsDto, user: User): Promise<BulkResolveConflictsResponseDto> {
    if (!input.conflictIds && !input.filter) {
      throw new RequestValidationException([{ field: 'conflictIds', code: 'MISSING_REQUIRED_FIELD', message: 'conflictIds or filter is needed' }]);
    }
    const { targets, remaining } = input.conflictIds ? await this.listed(input.organizationId, input.conflictIds) : await this.filtered(input.organizationId, input.filter!);

    const results: BulkResolutionResultDto[] = targets.map(({ conflictId, pfaId }) => ({ conflictId, pfaId, outcome: 'not_found' }));
    const resolver: ConflictResolverDto = { id: user.id, username: user.username };
    const resolveAt = async (index: number): Promise<void> => {
      const result = results[index];
      if (result.pfaId === null) return;
      try {
        const { appliedChanges } = await this.resolve(result.conflictId, user, { resolution: input.resolution }, (manager, resolved) =>
          this.audit.recordIn(manager, {
            user: resolver,
            organizationId: input.organizationId,
            action: 'conflict.resolve',
            target: result.conflictId,
            detail: { resolution: input.resolution, mergedData: null, appliedFields: Object.keys(resolved.appliedChanges ?? {}), pfaId: resolved.pfaId, bulk: true },
          }),
        );
        Object.assign(result, { outcome: 'resolved', appliedChanges, resolvedBy: resolver });
      } catch (error) {
        if (error instanceof ConflictException && error.code === ConflictErrorCode.AlreadyResolved) result.outcome = 'already_resolved';
        else if (error instanceof RequestValidationException) Object.assign(result, { outcome: 'invalid', errors: error.errors ?? [] });
        else if (error instanceof NotFoundAppException) Object.assign(result, { outcome: 'not_found', pfaId: null });
        else throw error;
      }
    };
    await inTurns(results.length, BULK_CONCURRENCY, resolveAt);
    await this.addWinners(results.filter((result) => result.outcome === 'already_resolved'));
    return { resolvedCount: results.filter((result) => result.outcome === 'resolved').length, results, remaining };
  }

  /** The listed ids, in their order; those not of this organization are not_found (pfaId null), as if they did not exist. */
  private async listed(organizationId: string, ids: string[]) {
    const found: Array<{ id: string; pfa_id: string }> = await this.dataSource.query(
      `SELECT id, pfa_id FROM pfa_sync_conflict WHERE id = ANY($1::uuid[]) AND organization_id = $2`,
      [ids, organizationId],
    );
    const pfaIds = new Map(found.map((row) => [row.id, row.pfa_id]));
    return { targets: ids.map((conflictId) => ({ conflictId, pfaId: pfaIds.get(conflictId) ?? null })), remaining: 0 };
  }

  /** The organization's unresolved conflicts matching the filter (its status can only narrow that down), the first MAX_BULK_CONFLICTS in list order. */
  private async filtered(organizationId: string, filter: ConflictFilterDto) {
    if (filter.status === 'resolved') return { targets: [], remaining: 0 };
    const [conflicts, total] = await this.matching(organizationId, { ...filter, status: 'unresolved' })
      .limit(MAX_BULK_CONFLICTS)
      .getManyAndCount();
    return { targets: conflicts.map((conflict) => ({ conflictId: conflict.id, pfaId: conflict.pfaId as string | null })), remaining: total - conflicts.length };
  }

  /** Who resolved each conflict that someone else resolved first. */
  private async addWinners(results: BulkResolutionResultDto[]): Promise<void> {
    if (results.length === 0) return;
    const rows: Array<{ id: string; user_id: string | null; username: string | null }> = await this.dataSource.query(
      `SELECT c.id, u.id AS user_id, u.username FROM pfa_sync_conflict c LEFT JOIN users u ON u.id = c.resolved_by WHERE c.id = ANY($1::uuid[])`,
      [results.map((result) => result.conflictId)],
    );
    const winners = new Map(rows.map((row) => [row.id, row.user_id && row.username ? { id: row.user_id, username: row.username } : null]));
    for (const result of results) result.resolvedBy = winners.get(result.conflictId) ?? null;
  }

  /**
   * The one judgement of a resolution, for resolve (`lock`: the record, the modification and the
   * conflict locked in that order, as record-locks.ts says) and check (`read`: no locks). 404 for
   * no such conflict, 409 for a resolved one; the rules' errors are in the plan.
   */
  private async plan(manager: EntityManager, conflictId: string, input: ResolveConflictDto, mode: 'lock' | 'read'): Promise<ResolutionPlan> {
    const lock = mode === 'lock' ? { mode: 'pessimistic_write' as const } : undefined;
    const found = await manager.getRepository(PfaSyncConflict).findOneBy({ id: conflictId });
    if (!found) throw new NotFoundAppException('Conflict');
    // One record: locking it is reading it FOR UPDATE (the order of record-locks.ts matters only among several).
    const record = await manager.getRepository(PfaRecord).findOneOrFail({ where: { organizationId: found.organizationId, pfaId: found.pfaId }, lock });
    const modification = await manager.getRepository(PfaModification).findOneOrFail({ where: { id: found.modificationId }, lock });
    const conflict = mode === 'lock' ? await manager.getRepository(PfaSyncConflict).findOneOrFail({ where: { id: conflictId }, lock }) : found;
    if (conflict.status === 'resolved') throw ConflictException.alreadyResolved();

    const inputErrors = checkMergeInput(input, conflict, modification);
    if (inputErrors.length > 0)
      return { conflict, modification, record, errors: inputErrors, message: input.resolution === 'merge' ? 'mergedData is invalid' : 'The request is invalid', toSend: null };
    if (input.resolution === 'use_pems') return { conflict, modification, record, errors: [], message: '', toSend: null };

    const wanted: PfaChanges = input.resolution === 'merge' ? { ...modification.changes, ...input.mergedData } : { ...modification.changes };
    const unsynced = await manager.getRepository(PfaModification).find({
      where: { recordId: modification.recordId, status: In(UNSYNCED_MODIFICATION_STATUSES) },
      order: { createdAt: 'ASC' },
    });
    // Judged on the record as it stands before this modification; sent only where PEMS's values differ.
    const { changes: toSend, errors } = this.changeCheck.check(effectiveBefore(record.data, unsynced, modification), wanted, { noChange: 'allowed', reference: record.data });
    if (errors.length === 0) return { conflict, modification, record, errors: [], message: '', toSend };
    return input.resolution === 'merge'
      ? { conflict, modification, record, toSend, message: 'mergedData is invalid', errors: errors.map((error) => ({ ...error, field: `mergedData.${error.field}` })) }
      : { conflict, modification, record, toSend, message: "Our values no longer pass validation on PEMS's record; resolve with merge or use_pems", errors };
  }

  /** The modification is synced with no write; it is `conflict` (its conflict is unresolved and both rows are locked), or the invariant broke. */
  private async resolveWithoutWrite(manager: EntityManager, modificationId: string): Promise<void> {
    if ((await this.modifications.move(manager, 'resolveWithoutWrite', [modificationId])).length !== 1) throw notInConflict(modificationId);
  }

  /** `toSend` queued again on PEMS's version, re-based on PEMS's values; with nothing to send, synced with no write. */
  private async requeue(manager: EntityManager, conflict: PfaSyncConflict, modification: PfaModification, record: PfaRecord, toSend: PfaChanges): Promise<PfaChanges> {
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

  /** The conflicts as the API shows them, with who resolved them and the fields PEMS alone changed (one query each for the whole page). */
  private async toDtos(conflicts: PfaSyncConflict[]): Promise<ConflictDto[]> {
    const [resolvers, pemsOnly] = await Promise.all([this.resolvers(conflicts), this.pemsOnlyChanges(conflicts)]);
    return conflicts.map((conflict) => toConflictDto(conflict, conflict.resolvedBy ? (resolvers.get(conflict.resolvedBy) ?? null) : null, pemsOnly.get(conflict.id) ?? null));
  }

  private async resolvers(conflicts: PfaSyncConflict[]): Promise<Map<string, ConflictResolverDto>> {
    const ids = [...new Set(conflicts.map((conflict) => conflict.resolvedBy).filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const users = await this.dataSource.getRepository(User).find({ where: { id: In(ids) }, select: { id: true, username: true } });
    return new Map(users.map((user) => [user.id, { id: user.id, username: user.username }]));
  }

  /**
   * For each conflict, the fields outside its modification whose value at pemsVersion differs
   * from the value at localVersion. Both are the mirror's history snapshots of the record (one is
   * written each time the mirror moves on, also when a conflict check re-reads PEMS), found by
   * the (record_id, version) index in one query for all the conflicts given.
   */
  private async pemsOnlyChanges(conflicts: PfaSyncConflict[]): Promise<Map<string, PemsOnlyChangeDto[]>> {
    const wanted = conflicts.flatMap((conflict) => {
      const recordId = conflict.modification!.recordId;
      return [
        [recordId, conflict.localVersion],
        [recordId, conflict.pemsVersion],
      ] as Array<[string, number]>;
    });
    const found = new Map<string, PfaData>();
    if (wanted.length > 0) {
      const rows: Array<{ record_id: string; version: number; data: PfaData }> = await this.dataSource.query(
        `SELECT DISTINCT ON (h.record_id, h.version) h.record_id, h.version, h.data
         FROM pfa_record_history h JOIN unnest($1::uuid[], $2::int[]) AS wanted(record_id, version) ON h.record_id = wanted.record_id AND h.version = wanted.version
         ORDER BY h.record_id, h.version, h.created_at DESC`,
        [wanted.map(([recordId]) => recordId), wanted.map(([, version]) => version)],
      );
      for (const row of rows) found.set(`${row.record_id}:${row.version}`, row.data);
    }
    const changes = new Map<string, PemsOnlyChangeDto[]>();
    for (const conflict of conflicts) {
      const recordId = conflict.modification!.recordId;
      const base = found.get(`${recordId}:${conflict.localVersion}`);
      const pems = found.get(`${recordId}:${conflict.pemsVersion}`);
      if (!base || !pems) continue;
      changes.set(
        conflict.id,
        PFA_FIELD_NAMES.filter((field) => !(field in conflict.localData) && !pfaValuesEqual(base[field], pems[field])).map((field) => ({
          field,
          base: base[field] ?? null,
          pems: pems[field] ?? null,
        })),
      );
    }
    return changes;
  }
}

/** `work(0..count-1)`, at most `concurrency` at once; the first error stops new work and is thrown once the running ones have ended. */
async function inTurns(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (next < count && !failure) {
      const index = next;
      next += 1;
      try {
        await work(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
}

/** The resolution's own rules, before validation: mergedData goes with merge only, and then names every conflicting field and only the modification's fields. */
function checkMergeInput(input: ResolveConflictDto, conflict: PfaSyncConflict, modification: PfaModification): FieldError[] {
  if (input.resolution !== 'merge') {
    return input.mergedData === undefined ? [] : [{ field: 'mergedData', code: 'UNKNOWN_FIELD', message: 'mergedData goes with resolution merge only' }];
  }
  if (!input.mergedData) return [{ field: 'mergedData', code: 'MISSING_REQUIRED_FIELD', message: 'merge needs mergedData' }];
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
  return errors;
}

function toConflictDto(conflict: PfaSyncConflict, resolvedBy: ConflictResolverDto | null, pemsOnlyChanges: PemsOnlyChangeDto[] | null): ConflictDto {
  const user: User | undefined = conflict.modification?.user;
  return {
    id: conflict.id,
    pfaId: conflict.pfaId,
    recordId: conflict.modification!.recordId,
    localVersion: conflict.localVersion,
    pemsVersion: conflict.pemsVersion,
    conflictFields: conflict.conflictFields,
    localData: conflict.localData,
    pemsData: conflict.pemsData,
    baseData: conflict.baseData,
    pemsOnlyChanges,
    status: conflict.status,
    createdAt: conflict.createdAt,
    modifiedBy: user ? { username: user.username, email: user.email } : null,
    modificationId: conflict.modificationId,
    resolution: conflict.resolution,
    resolvedBy,
    resolvedAt: conflict.resolvedAt,
    mergedData: conflict.mergedData,
    appliedChanges: conflict.appliedChanges,
  };
}

/** An unresolved conflict whose modification is not in `conflict`: a broken invariant, never the caller's fault. */
function notInConflict(modificationId: string): InternalError {
  return new InternalError(`Modification ${modificationId} of an unresolved conflict is not in conflict`);
}
