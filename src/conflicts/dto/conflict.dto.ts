import { IntersectionType, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsObject, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';
import { IsNotAfter, IsNotGivenWith, IsZonedDateTime } from '../../common/dto/request-rules';
import { ConflictResolution, ConflictStatus } from '../entities/pfa-sync-conflict.entity';
import { PFA_VALUE_SCHEMA } from '../../validation/pfa-value-schema';

/** The most conflicts one bulk resolution takes: listed ids, or the matches of a filter. */
export const MAX_BULK_CONFLICTS = 1000;

/** Which conflicts: every condition given must hold. */
export class ConflictFilterDto {
  @IsOptional()
  @IsIn(['unresolved', 'resolved'])
  status?: ConflictStatus;

  /** The record's PEMS key, exactly. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  pfaId?: string;

  /** The id of the user whose modification conflicted. */
  @IsOptional()
  @IsUUID()
  modifiedBy?: string;

  /** Found at or after this moment (createdAt, inclusive); an ISO-8601 date-time with its time zone. */
  @IsOptional()
  @IsZonedDateTime()
  @IsNotAfter('to')
  from?: string;

  /** Found before this moment (createdAt, exclusive). */
  @IsOptional()
  @IsZonedDateTime()
  to?: string;
}

class OrganizationQueryDto {
  @IsUUID()
  organizationId: string;
}

export class ListConflictsQueryDto extends IntersectionType(OrganizationQueryDto, PaginationQueryDto, ConflictFilterDto) {}

export class ResolveConflictDto {
  /** use_local: send our values on PEMS's version; use_pems: keep PEMS's; merge: send mergedData. */
  @IsIn(['use_local', 'use_pems', 'merge'])
  resolution: ConflictResolution;

  /** With merge: a value for every conflicting field (other changed fields keep ours). */
  @IsOptional()
  @IsObject()
  mergedData?: Record<string, unknown>;
}

export class BulkResolveConflictsDto {
  @IsUUID()
  organizationId: string;

  /** These conflicts (at most 1000); not together with `filter`. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_BULK_CONFLICTS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  conflictIds?: string[];

  /** Every unresolved conflict matching it ("all matching"), at most 1000 per call (`remaining` tells how many are left); not together with `conflictIds`. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConflictFilterDto)
  @IsNotGivenWith('conflictIds')
  filter?: ConflictFilterDto;

  /** Bulk resolution keeps one side for every field; merge is for one conflict at a time. */
  @IsIn(['use_local', 'use_pems'])
  resolution: 'use_local' | 'use_pems';
}

export class ConflictUserDto {
  username: string;
  email: string;
}

export class ConflictResolverDto {
  id: string;
  username: string;
}

/** A field PEMS changed that the modification does not touch. */
export class PemsOnlyChangeDto {
  field: string;
  /** Its value in the mirror's snapshot of the modification's base version (what the editor saw). */
  @ApiProperty(PFA_VALUE_SCHEMA)
  base: unknown;
  /** Its value in PEMS's record when the conflict was found (the mirror's snapshot of pemsVersion). */
  @ApiProperty(PFA_VALUE_SCHEMA)
  pems: unknown;
}

export class ConflictDto {
  id: string;
  pfaId: string;
  /** The mirror record's id (GET /api/pfa/:id). */
  recordId: string;
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
  /**
   * The fields PEMS changed between localVersion and pemsVersion that the modification does not
   * touch, in field order; null when the mirror's history no longer holds one of the two versions.
   */
  pemsOnlyChanges: PemsOnlyChangeDto[] | null;
  status: ConflictStatus;
  createdAt: Date;
  modifiedBy: ConflictUserDto | null;
  modificationId: string;
  resolution: ConflictResolution | null;
  /** Who resolved it; null while unresolved. */
  resolvedBy: ConflictResolverDto | null;
  resolvedAt: Date | null;
  /** With merge: the values chosen for the conflicting fields. */
  mergedData: Record<string, unknown> | null;
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

export class ResolutionErrorDto {
  /** `mergedData.<field>` for a merge's values, else the field. */
  field: string;
  code: string;
  message: string;
}

export class CheckResolutionResponseDto {
  valid: boolean;
  /** Every rule the resolution breaks, beside its field; empty when valid. */
  errors: ResolutionErrorDto[];
  /** What resolving would write to PEMS now (null for use_pems, and when not valid); {} when PEMS holds every value already. */
  appliedChanges: Record<string, unknown> | null;
}

export const BULK_OUTCOMES = ['resolved', 'already_resolved', 'invalid', 'not_found'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

export class BulkResolutionResultDto {
  conflictId: string;
  /** null for not_found. */
  pfaId: string | null;
  outcome: BulkOutcome;
  /** resolved: what will be written to PEMS (null for use_pems). */
  appliedChanges?: Record<string, unknown> | null;
  /** invalid: why our values cannot be sent. */
  errors?: ResolutionErrorDto[];
  /** resolved: the caller; already_resolved: who resolved it first (null once that user is gone). */
  resolvedBy?: ConflictResolverDto | null;
}

export class BulkResolveConflictsResponseDto {
  resolvedCount: number;
  /** One per conflict, in the order of conflictIds, or of the list (unresolved first, newest first) for a filter. */
  results: BulkResolutionResultDto[];
  /** With a filter: the unresolved conflicts still matching after this call (more than 1000 matched); else 0. */
  remaining: number;
}
