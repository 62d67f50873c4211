import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';
import { QUEUE_STATUSES, QueueStatus } from '../entities/pfa-write-queue.entity';

export class WriteQueueQueryDto extends PaginationQueryDto {
  @IsUUID()
  organizationId: string;

  @IsOptional()
  @IsIn(QUEUE_STATUSES)
  status?: QueueStatus;
}

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

  /** Only these failed items; every failed item of the organization when left out. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids?: string[];
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
  /** Listed items that could not be retried, and why. */
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
