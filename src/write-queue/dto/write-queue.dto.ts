import { IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsObject, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';
import { IsNotAfter, IsNotGivenWith, IsZonedDateTime } from '../../common/dto/request-rules';
import { ModificationStatus } from '../../pfa/entities/pfa-modification.entity';
import { QUEUE_STATUSES, QueueStatus } from '../entities/pfa-write-queue.entity';

/** Which queue items: every condition given must hold. */
export class QueueItemFilterDto {
  @IsOptional()
  @IsIn(QUEUE_STATUSES)
  status?: QueueStatus;

  /** Queued at or after this moment (createdAt, inclusive); an ISO-8601 date-time with its time zone. */
  @IsOptional()
  @IsZonedDateTime()
  @IsNotAfter('to')
  from?: string;

  /** Queued before this moment (createdAt, exclusive). */
  @IsOptional()
  @IsZonedDateTime()
  to?: string;

  /** The record's PEMS key, exactly. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  pfaId?: string;
}

class OrganizationQueryDto {
  @IsUUID()
  organizationId: string;
}

export class WriteQueueQueryDto extends IntersectionType(OrganizationQueryDto, PaginationQueryDto, QueueItemFilterDto) {}

export class SyncStatusQueryDto {
  @IsUUID()
  organizationId: string;

  /** Adds `items`: up to 100 queue items in this status. */
  @IsOptional()
  @IsIn(QUEUE_STATUSES)
  status?: QueueStatus;
}

export class RetryQueueItemsDto {
  @IsUUID()
  organizationId: string;

  /** Only these failed items; every failed item of the organization when left out (and no filter is given). */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids?: string[];

  /** Every failed item matching it ("all matching"); not together with `ids`. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QueueItemFilterDto)
  @IsNotGivenWith('ids')
  filter?: QueueItemFilterDto;
}

export class CancelQueueItemsDto {
  @IsUUID()
  organizationId: string;

  /** Only these items; without ids and filter, every pending item of the organization. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids?: string[];

  /** Every pending item matching it ("all matching"); not together with `ids`. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QueueItemFilterDto)
  @IsNotGivenWith('ids')
  filter?: QueueItemFilterDto;
}

export class QueueItemDto {
  id: string;
  modificationId: string;
  organizationId: string;
  pfaId: string;
  operation: string;
  status: QueueStatus;
  priority: number;
  /** Retries made so far (the first attempt is not a retry). */
  retryCount: number;
  maxRetries: number;
  scheduledAt: Date;
  lastAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  completedAt: Date | null;
  jobId: string | null;
  createdAt: Date;
  changes: Record<string, unknown>;
  baseVersion: number;
}

/** The modification a queue item sends. */
export class QueueItemModificationDto {
  id: string;
  status: ModificationStatus;
  changeReason: string | null;
  /** Its author. */
  username: string | null;
}

export class QueueItemDetailDto extends QueueItemDto {
  /**
   * Sends made so far since the item was queued (or last retried by an operator, which counts
   * afresh): its retries, its resends on a newer version, and the attempt in flight or that ended it.
   */
  attempts: number;
  /** When a pending item is due (not before; it may wait behind an earlier item of its record); null unless pending. */
  nextAttemptAt: Date | null;
  /** The lease of an item being sent: taken back if not finished by then. */
  lockedUntil: Date | null;
  modification: QueueItemModificationDto;
}

export class QueueItemPageDto {
  items: QueueItemDto[];
  total: number;
  page: number;
  pageSize: number;
}

export class SkippedQueueItemDto {
  id: string;
  reason: string;
}

export class RetryQueueItemsResponseDto {
  retriedCount: number;
  /** Items asked for (listed, or failed and matching) that could not be retried, and why. */
  skipped: SkippedQueueItemDto[];
}

export class CancelQueueItemsResponseDto {
  cancelledCount: number;
  /** Listed items that could not be cancelled (not pending, or not found), and matching items that stopped being pending meanwhile. */
  skipped: SkippedQueueItemDto[];
}

export class SyncStatusDto {
  /** Items waiting (pending, including those waiting to retry). */
  totalQueued: number;
  /** Items being sent now. */
  processing: number;
  /** Completed in the last 24 h. */
  completed: number;
  /** Failed in the last 24 h, leaving out items that ended in a version conflict (a decision for a person, counted in `conflicts`). */
  failed: number;
  /** Mean ms from queueing to completion over the last 24 h; null when none. */
  avgSyncTime: number | null;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  health: 'healthy' | 'degraded' | 'unhealthy';
  /** completed / (completed + failed) over 24 h, in percent; 100 when both are 0. Conflicts are not failures. */
  successRate: number;
  /** The organization's unresolved conflicts now. */
  conflicts: number;
  /** Why health is not `healthy`, when it is not. */
  healthReasons?: string[];
  items?: QueueItemDto[];
}
