import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';
import { MODIFICATION_STATUSES, ModificationStatus } from '../entities/pfa-modification.entity';

export class ListPfaRecordsQueryDto extends PaginationQueryDto {
  @IsUUID()
  organizationId: string;

  /** Matches pfaId, category, class, manufacturer and model (case-insensitive, anywhere in the text). */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  search?: string;
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
}
