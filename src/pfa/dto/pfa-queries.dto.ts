import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { BooleanQuery } from '../../common/dto/boolean-query';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';
import { MODIFICATION_STATUSES, ModificationStatus } from '../entities/pfa-modification.entity';

export const PFA_RECORD_SORTS = ['pfaId', 'category', 'class', 'source', 'dor', 'manufacturer', 'model', 'forecastStart', 'forecastEnd', 'lastSyncedAt'] as const;
export type PfaRecordSort = (typeof PFA_RECORD_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export class ListPfaRecordsQueryDto extends PaginationQueryDto {
  @IsUUID()
  organizationId: string;

  /** Matches pfaId, category, class, manufacturer and model (case-insensitive, anywhere in the text). */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  search?: string;

  /** The column to sort by (default pfaId); ties go by pfaId, then id, in the same direction. Records without a value come last either way. */
  @IsIn(PFA_RECORD_SORTS)
  sort: PfaRecordSort = 'pfaId';

  @IsIn(SORT_ORDERS)
  order: SortOrder = 'asc';
}

export class ListModificationsQueryDto extends PaginationQueryDto {
  @IsUUID()
  organizationId: string;

  @IsOptional()
  @IsIn(MODIFICATION_STATUSES)
  status?: ModificationStatus;

  /** Only the modifications of this record. */
  @IsOptional()
  @IsUUID()
  recordId?: string;

  /** `true`: only the caller's own modifications. */
  @ApiPropertyOptional({ default: false })
  @BooleanQuery()
  mine: boolean = false;

  /** `true`: only those PEMS does not hold yet, or that need a person (pending, queued, syncing, conflict, failed). */
  @ApiPropertyOptional({ default: false })
  @BooleanQuery()
  unsynced: boolean = false;
}
