import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In, Repository } from 'typeorm';
import { Page } from '../common/dto/pagination.dto';
import { NotFoundAppException } from '../common/errors/app.exception';
import { returningRows } from '../database/returning-rows';
import { User } from '../auth/entities/user.entity';
import { PfaChanges, PfaData, pfaValuesEqual } from '../validation/pfa-fields';
import { PfaValidationService } from '../validation/pfa-validation.service';
import { PfaWriteQueueItem } from '../write-sync/entities/pfa-write-queue.entity';
import { EditPfaRecordDto } from './dto/edit-pfa-record.dto';
import { ModificationDto } from './dto/pfa-record.dto';
import { ListModificationsQueryDto } from './dto/pfa-queries.dto';
import { effectiveData } from './effective-record';
import { PfaModification, UNSYNCED_MODIFICATION_STATUSES } from './entities/pfa-modification.entity';
import { PfaRecord } from './entities/pfa-record.entity';
import { PfaException } from './pfa-errors';
import { toModificationDto } from './pfa-views';
import { lockRecordsById } from './record-locks';

/** People's edits of PFA records: made, listed and discarded here; sent to PEMS by the write-sync worker. */
@Injectable()
export class PfaModificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(PfaModification) private readonly modifications: Repository<PfaModification>,
    private readonly validation: PfaValidationService,
  ) {}

  /**
   * Records an edit as a `pending` modification. The record row is locked for the
   * transaction (record-locks.ts), so concurrent edits of one record are validated one after
   * the other against the effective record, and queueing, discarding or cancelling a
   * modification of the record waits for the edit (and the edit for them). A second edit by the
   * same person while their first is still `pending` is folded into it; once it is queued, a
   * new modification is made. (A cancelled queue item can give a person a second pending
   * modification of the record; the oldest takes later edits.)
   */
  async edit(recordId: string, user: User, input: EditPfaRecordDto): Promise<ModificationDto> {
    return this.dataSource.transaction(async (manager) => {
      const record = await manager.getRepository(PfaRecord).findOne({ where: { id: recordId }, lock: { mode: 'pessimistic_write' } });
      if (!record) throw new NotFoundAppException('PFA record');
      if (record.deletedInPemsAt) throw PfaException.deletedInPems(record.pfaId);

      const unsynced = await manager.getRepository(PfaModification).find({
        where: { recordId, status: In(UNSYNCED_MODIFICATION_STATUSES) },
        order: { createdAt: 'ASC' },
      });
      const effective = effectiveData(record.data, unsynced);
      const errors = this.validation.validateChanges(effective, input.changes);
      if (errors.length > 0) throw PfaException.invalidChanges(errors);

      // Only the fields that really change: an unchanged field sent along could only cause a false conflict.
      const changes = Object.fromEntries(
        Object.entries(input.changes).filter(([field, value]) => !pfaValuesEqual(effective[field as keyof PfaData], value)),
      );
      const own = unsynced.find((modification) => modification.status === 'pending' && modification.userId === user.id);
      const saved = own
        ? await this.foldInto(manager, own, changes, effective, input.changeReason)
        : await manager.getRepository(PfaModification).save(
            manager.getRepository(PfaModification).create({
              organizationId: record.organizationId,
              recordId,
              userId: user.id,
              changes,
              baseValues: baseValuesOf(changes, effective),
              baseVersion: record.version,
              changeReason: input.changeReason ?? null,
              status: 'pending',
            }),
          );
      saved.user = user;
      return toModificationDto(saved, record.pfaId);
    });
  }

  /**
   * The person's pending modification takes the new values. A field keeps the base it had
   * when first edited; a field edited back to its base drops out, and a modification left
   * with no change at all is discarded. Only a modification still `pending` is changed (the
   * record lock makes that certain; the condition says so where it is written).
   */
  private async foldInto(manager: EntityManager, own: PfaModification, changes: PfaChanges, effective: PfaData, reason?: string): Promise<PfaModification> {
    const baseValues: PfaChanges = { ...baseValuesOf(changes, effective), ...own.baseValues };
    const merged: PfaChanges = { ...own.changes, ...changes };
    for (const field of Object.keys(merged)) {
      if (pfaValuesEqual(merged[field], baseValues[field])) {
        delete merged[field];
      }
    }
    const folded = await returningRows<{ id: string }>(
      manager,
      `UPDATE pfa_modification
       SET changes = $2, base_values = $3, change_reason = CASE WHEN $4 THEN $5 ELSE change_reason END,
           status = CASE WHEN $6 THEN 'discarded' ELSE status END, updated_at = now()
       WHERE id = $1 AND status = 'pending'
       RETURNING id`,
      [
        own.id,
        JSON.stringify(merged),
        JSON.stringify(Object.fromEntries(Object.keys(merged).map((field) => [field, baseValues[field] ?? null]))),
        reason !== undefined,
        reason ?? null,
        Object.keys(merged).length === 0,
      ],
    );
    if (folded.length !== 1) throw PfaException.modificationMoved(own.id);
    return manager.getRepository(PfaModification).findOneByOrFail({ id: own.id });
  }

  async list(query: ListModificationsQueryDto): Promise<Page<ModificationDto>> {
    const where: FindOptionsWhere<PfaModification> = { organizationId: query.organizationId };
    if (query.status) where.status = query.status;
    if (query.recordId) where.recordId = query.recordId;
    const [items, total] = await this.modifications.findAndCount({
      where,
      relations: { user: true, record: true },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return {
      items: items.map((modification) => toModificationDto(modification, modification.record!.pfaId)),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  /**
   * Discards a modification not yet sent: a `pending` one, or a `queued` one whose queue item
   * has not been claimed (the item is cancelled with it). Anything further along answers 409.
   * Locks in the order of record-locks.ts: the record, the live queue item, the modification.
   */
  async discard(id: string): Promise<ModificationDto> {
    return this.dataSource.transaction(async (manager) => {
      const found = await manager.getRepository(PfaModification).findOne({ select: { id: true, recordId: true }, where: { id } });
      if (!found) throw new NotFoundAppException('Modification');
      await lockRecordsById(manager, [found.recordId]);
      const item = await manager
        .getRepository(PfaWriteQueueItem)
        .findOne({ where: { modificationId: id, status: In(['pending', 'processing']) }, lock: { mode: 'pessimistic_write' } });
      const modification = await manager.getRepository(PfaModification).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (modification.status === 'queued') {
        if (item?.status === 'processing') throw PfaException.notDiscardable('queued', 'it is being sent to PEMS right now');
        if (item) await manager.getRepository(PfaWriteQueueItem).update({ id: item.id, status: 'pending' }, { status: 'cancelled', completedAt: new Date(), lastError: 'Discarded by a user' });
      } else if (modification.status !== 'pending') {
        throw PfaException.notDiscardable(modification.status, 'only pending or queued modifications can be');
      }
      await manager.getRepository(PfaModification).update({ id, status: modification.status }, { status: 'discarded' });
      const [withRelations] = await manager.getRepository(PfaModification).find({ where: { id }, relations: { user: true, record: true } });
      return toModificationDto(withRelations, withRelations.record!.pfaId);
    });
  }
}

function baseValuesOf(changes: PfaChanges, effective: PfaData): PfaChanges {
  return Object.fromEntries(Object.keys(changes).map((field) => [field, effective[field as keyof PfaData] ?? null]));
}
