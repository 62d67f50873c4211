import { IsIn, IsObject, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';
import { ConflictResolution, ConflictStatus } from '../entities/pfa-sync-conflict.entity';

export class ListConflictsQueryDto extends PaginationQueryDto {
  @IsUUID()
  organizationId: string;

  @IsOptional()
  @IsIn(['unresolved', 'resolved'])
  status?: ConflictStatus;
}

export class ResolveConflictDto {
  /** use_local: send our values on PEMS's version; use_pems: keep PEMS's; merge: send mergedData. */
  @IsIn(['use_local', 'use_pems', 'merge'])
  resolution: ConflictResolution;

  /** With merge: a value for every conflicting field (other changed fields keep ours). */
  @IsOptional()
  @IsObject()
  mergedData?: Record<string, unknown>;
}

export class ConflictUserDto {
  username: string;
  email: string;
}

export class ConflictDto {
  id: string;
  pfaId: string;
  /** The modification's base version. */
  localVersion: number;
  /** PEMS's recordid when the conflict was found. */
  pemsVersion: number;
  conflictFields: string[];
  /** Ours, for every field the modification changes. */
  localData: Record<string, unknown>;
  /** PEMS's, for every field the modification changes. */
  pemsData: Record<string, unknown>;
  /** What the user saw, for every field the modification changes. */
  baseData: Record<string, unknown>;
  status: ConflictStatus;
  createdAt: Date;
  modifiedBy: ConflictUserDto | null;
  modificationId: string;
  resolution: ConflictResolution | null;
  resolvedAt: Date | null;
  appliedChanges: Record<string, unknown> | null;
}

export class ConflictListDto {
  conflicts: ConflictDto[];
  total: number;
}

export class ResolveConflictResponseDto {
  success: boolean;
  conflictId: string;
  resolvedAt: string;
  /** What will be written to PEMS; null for use_pems. */
  appliedChanges: Record<string, unknown> | null;
}
