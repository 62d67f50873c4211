import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Page } from '../common/dto/pagination.dto';
import { NotFoundAppException } from '../common/errors/app.exception';
import { PfaHistoryEntryDto, PfaRecordDetailDto, PfaRecordDto } from './dto/pfa-record.dto';
import { ListPfaRecordsQueryDto, PfaRecordSort } from './dto/pfa-queries.dto';
import { ModificationStatus, PfaModification } from './entities/pfa-modification.entity';
import { PfaRecordHistory } from './entities/pfa-record-history.entity';
import { PfaRecord } from './entities/pfa-record.entity';
import { LatestEdit, toModificationDto, toPfaRecordDto } from './pfa-views';

/** Modifications that decide a record's effective values or its sync state. */
const LIVE_STATUSES: ModificationStatus[] = ['pending', 'queued', 'syncing', 'conflict'];
const DETAIL_LIMIT = 100;
/** The typed column of each sort key (the entity's property names). */
const SORT_COLUMNS: Record<PfaRecordSort, keyof PfaRecord> = {
  pfaId: 'pfaId',
  category: 'category',
  class: 'class',
  source: 'source',
  dor: 'dor',
  manufacturer: 'manufacturer',
  model: 'model',
  forecastStart: 'forecastStart',
  forecastEnd: 'forecastEnd',
  lastSyncedAt: 'lastSyncedAt',
};

/** Reads of the mirror, as people see it: PEMS's values with the unsynced edits on top. */
@Injectable()
export class PfaRecordsService {
  constructor(
    @InjectRepository(PfaRecord) private readonly records: Repository<PfaRecord>,
    @InjectRepository(PfaModification) private readonly modifications: Repository<PfaModification>,
    @InjectRepository(PfaRecordHistory) private readonly history: Repository<PfaRecordHistory>,
  ) {}

  async list(query: ListPfaRecordsQueryDto): Promise<Page<PfaRecordDto>> {
    const builder = this.records.createQueryBuilder('record').where('record.organizationId = :organizationId', { organizationId: query.organizationId });
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
      builder.andWhere(
        '(record.pfaId ILIKE :pattern OR record.category ILIKE :pattern OR record.class ILIKE :pattern OR record.manufacturer ILIKE :pattern OR record.model ILIKE :pattern)',
        { pattern },
      );
    }
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    // Nulls last in both directions; ties by pfaId, which is unique within the organization (so
    // the contract's last tie-break, id, never comes into play), and pages never overlap.
    if (query.sort !== 'pfaId') builder.orderBy(`record.${SORT_COLUMNS[query.sort]}`, direction, 'NULLS LAST');
    const [records, total] = await builder
      .addOrderBy('record.pfaId', direction)
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    const { live, latest } = await this.modificationStates(records.map((record) => record.id));
    return {
      items: records.map((record) => toPfaRecordDto(record, live.get(record.id) ?? [], latest.get(record.id))),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  async getOne(id: string): Promise<PfaRecordDetailDto> {
    const record = await this.records.findOneBy({ id });
    if (!record) throw new NotFoundAppException('PFA record');
    const [modifications, history] = await Promise.all([
      this.modifications.find({ where: { recordId: id }, relations: { user: true }, order: { createdAt: 'DESC' }, take: DETAIL_LIMIT }),
      this.history.find({ where: { recordId: id }, order: { createdAt: 'DESC' }, take: DETAIL_LIMIT }),
    ]);
    const { live, latest } = await this.modificationStates([id]);
    return {
      ...toPfaRecordDto(record, live.get(id) ?? [], latest.get(id)),
      modifications: modifications.map((modification) => toModificationDto(modification, record.pfaId)),
      history: history.map((entry): PfaHistoryEntryDto => ({ version: entry.version, data: entry.data, source: entry.source, createdAt: entry.createdAt })),
    };
  }

  /** For each record: its live modifications (oldest first) and its latest non-discarded one (status, when, error). */
  private async modificationStates(recordIds: string[]) {
    const live = new Map<string, PfaModification[]>();
    const latest = new Map<string, LatestEdit>();
    if (recordIds.length === 0) return { live, latest };
    const [liveRows, latestRows] = await Promise.all([
      this.modifications.find({ where: { recordId: In(recordIds), status: In(LIVE_STATUSES) }, order: { createdAt: 'ASC' } }),
      this.modifications
        .createQueryBuilder('modification')
        .select(['modification.recordId AS "recordId"', 'modification.status AS "status"', 'modification.updatedAt AS "at"', 'modification.syncError AS "error"'])
        .distinctOn(['modification.recordId'])
        .where('modification.recordId IN (:...recordIds)', { recordIds })
        .andWhere("modification.status <> 'discarded'")
        .orderBy('modification.recordId')
        .addOrderBy('modification.updatedAt', 'DESC')
        .getRawMany<{ recordId: string } & LatestEdit>(),
    ]);
    for (const modification of liveRows) live.set(modification.recordId, [...(live.get(modification.recordId) ?? []), modification]);
    for (const { recordId, status, at, error } of latestRows) latest.set(recordId, { status, at, error });
    return { live, latest };
  }
}
