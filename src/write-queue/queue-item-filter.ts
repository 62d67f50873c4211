import { SelectQueryBuilder } from 'typeorm';
import { PfaWriteQueueItem, QueueStatus } from './entities/pfa-write-queue.entity';

/** The queue viewer's filter (GET /api/pems/write-queue), also "all matching" of a retry or a cancel. */
export interface QueueItemFilter {
  status?: QueueStatus;
  /** createdAt at or after (ISO-8601). */
  from?: string;
  /** createdAt before (ISO-8601). */
  to?: string;
  pfaId?: string;
}

/** Restricts `builder` (alias `q`) to the organization's items matching `filter`. */
export function whereQueueItemsMatch(builder: SelectQueryBuilder<PfaWriteQueueItem>, organizationId: string, filter: QueueItemFilter): SelectQueryBuilder<PfaWriteQueueItem> {
  builder.where('q.organizationId = :organizationId', { organizationId });
  if (filter.status) builder.andWhere('q.status = :status', { status: filter.status });
  if (filter.from) builder.andWhere('q.createdAt >= :from', { from: filter.from });
  if (filter.to) builder.andWhere('q.createdAt < :to', { to: filter.to });
  if (filter.pfaId) builder.andWhere('q.pfaId = :pfaId', { pfaId: filter.pfaId });
  return builder;
}
