import { QueueItemDetailDto, QueueItemDto } from './dto/write-queue.dto';
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

/** The item with its attempts, due time, lease and modification (which must be loaded, with its user). */
export function toQueueItemDetailDto(item: PfaWriteQueueItem): QueueItemDetailDto {
  const modification = item.modification!;
  // Each retry and each resend on a newer version was a send; so was the attempt in flight or
  // the one that ended the item (a cancelled item ended without one).
  const current = ['processing', 'completed', 'failed'].includes(item.status) ? 1 : 0;
  return {
    ...toQueueItemDto(item),
    attempts: item.retryCount + item.resendCount + current,
    nextAttemptAt: item.status === 'pending' ? item.scheduledAt : null,
    lockedUntil: item.lockedUntil,
    modification: { id: modification.id, status: modification.status, changeReason: modification.changeReason, username: modification.user?.username ?? null },
  };
}
