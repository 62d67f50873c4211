import { QueueItemDto } from './dto/write-queue.dto';
import { PfaWriteQueueItem } from './entities/pfa-write-queue.entity';

export function toQueueItemDto(item: PfaWriteQueueItem): QueueItemDto {
  return {
    id: item.id,
    modificationId: item.modificationId,
    organizationId: item.organizationId,
    pfaId: item.pfaId,
    operation: item.operation,
    status: item.status,
    priority: item.priority,
    retryCount: item.retryCount,
    maxRetries: item.maxRetries,
    scheduledAt: item.scheduledAt,
    lastAttemptAt: item.lastAttemptAt,
    lastError: item.lastError,
    lastStatusCode: item.lastStatusCode,
    completedAt: item.completedAt,
    jobId: item.jobId,
    createdAt: item.createdAt,
    changes: item.payload.changes,
    baseVersion: item.payload.baseVersion,
  };
}
