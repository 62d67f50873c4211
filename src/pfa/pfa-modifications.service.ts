import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In, Repository } from 'typeorm';
import { Page } from '../common/dto/pagination.dto';
import { NotFoundAppException } from '../common/errors/app.exception';
import { User } from '../auth/entities/user.entity';
import { PfaChanges, PfaData, pfaValuesEqual } from '../validation/pfa-fields';
import { PfaChangeCheck, invalidChange } from './change-check';
import { EditPfaRecordDto } from './dto/edit-pfa-record.dto';
import { ModificationDto } from './dto/pfa-record.dto';
import { ListModificationsQueryDto } from './dto/pfa-queries.dto';
import { effectiveData } from './effective-record';
import { ModificationStatus, PfaModification, UNSYNCED_MODIFICATION_STATUSES } from './entities/pfa-modification.entity';
import { PfaRecord } from './entities/pfa-record.entity';
import { ModificationStates } from './modification-states';
import { PfaException } from './pfa-errors';
import { toModificationDto } from './pfa-views';

/** `unsynced=true`: the modifications PEMS does not hold yet, or that wait for a person (a conflict, a failure). */
const OPEN_MODIFICATION_STATUSES: ModificationStatus[] = ['pending', 'queued', 'syncing', 'conflict', 'failed'];

/** People's edits of PFA records: made and listed here; discarded with the queue (write-queue), sent to PEMS by the write-sync worker. */
@Injectable()
export class PfaModificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(PfaModification) private readonly modifications: Repository<PfaModification>,
    private readonly changeCheck: PfaChangeCheck,
    private readonly states: ModificationStates,
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
      const { changes, errors } = this.changeCheck.check(effective, input.changes, { noChange: 'error' });
      if (errors.length > 0) throw invalidChange(errors);

      const own = unsynced.find((modification) => modification.status === 'pending' && modification.userId === user.id);
      const saved = own
        ? await this.foldInto(manager, own, changes, effective, input.changeReason)
        : await this.states.create(manager, {
            organizationId: record.organizationId,
            recordId,
            userId: user.id,
            changes,
            baseValues: baseValuesOf(changes, effective),
            baseVersion: record.version,
            changeReason: input.changeReason ?? null,
          });
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
    const folded = await this.states.fold(manager, own.id, {
      changes: merged,
      baseValues: Object.fromEntries(Object.keys(merged).map((field) => [field, baseValues[field] ?? null])),
      changeReason: reason,
    });
    if (!folded) throw PfaException.modificationMoved(own.id);
    return manager.getRepository(PfaModification).findOneByOrFail({ id: own.id });
  }

  /** `mine` is the caller's own; `status` and `unsynced` together give the statuses in both. */
  async list(query: ListModificationsQueryDto, caller: User): Promise<Page<ModificationDto>> {
    const where: FindOptionsWhere<PfaModification> = { organizationId: query.organizationId };
    if (query.unsynced) where.status = In(query.status ? OPEN_MODIFICATION_STATUSES.filter((status) => status === query.status) : OPEN_MODIFICATION_STATUSES);
    else if (query.status) where.status = query.status;
    if (query.recordId) where.recordId = query.recordId;
    if (query.mine) where.userId = caller.id;
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
}

function baseValuesOf(changes: PfaChanges, effective: PfaData): PfaChanges {
  return Object.fromEntries(Object.keys(changes).map((field) => [field, effective[field as keyof PfaData] ?? null]));
}
