import { useQuery } from '@tanstack/react-query';
import type { RefObject } from 'react';
import { api } from '../api/client';
import type { QueueItemDetail } from '../api/types';
import { ErrorNotice, Loading } from '../ui/feedback';
import { describeChanges, formatDateTime } from '../ui/format';
import { Modal } from '../ui/Modal';
import { queueKeys } from './queries';

/** One queue item: what it sends, its attempts, its last error and status code, when it is due next. */
export function QueueItemDialog({ itemId, pfaId, onClose, returnFocus }: { itemId: string | null; pfaId: string; onClose(): void; returnFocus: RefObject<HTMLElement | null> }) {
  const item = useQuery({
    queryKey: queueKeys.item(itemId ?? ''),
    queryFn: ({ signal }) => api.get<QueueItemDetail>(`/pems/write-queue/${itemId}`, undefined, signal),
    enabled: itemId !== null,
  });
  const data = item.data;
  return (
    <Modal open={itemId !== null} onOpenChange={(open) => !open && onClose()} title={`Queue item ${pfaId}`} returnFocus={returnFocus}>
      {item.isPending && <Loading what="Loading the item" />}
      {item.isError && <ErrorNotice error={item.error} action="The item could not be loaded" />}
      {data && (
        <dl className="details">
          <dt>Status</dt>
          <dd>{data.status}</dd>
          <dt>Changes</dt>
          <dd>{describeChanges(data.changes)}</dd>
          <dt>Edited by</dt>
          <dd>{data.modification?.username ?? '—'}</dd>
          <dt>Reason</dt>
          <dd>{data.modification?.changeReason ?? '—'}</dd>
          <dt>Attempts</dt>
          <dd>{`${data.attempts} (retries used ${data.retryCount} of ${data.maxRetries})`}</dd>
          <dt>Last attempt</dt>
          <dd>{formatDateTime(data.lastAttemptAt)}</dd>
          <dt>Last error</dt>
          <dd>{data.lastError ?? '—'}</dd>
          <dt>Last status code</dt>
          <dd>{data.lastStatusCode ?? '—'}</dd>
          <dt>Due next</dt>
          <dd>{data.nextAttemptAt ? formatDateTime(data.nextAttemptAt) : '—'}</dd>
          <dt>Priority</dt>
          <dd>{data.priority}</dd>
          <dt>Queued</dt>
          <dd>{formatDateTime(data.createdAt)}</dd>
          <dt>Completed</dt>
          <dd>{formatDateTime(data.completedAt)}</dd>
          <dt>Based on PEMS version</dt>
          <dd>{data.baseVersion}</dd>
        </dl>
      )}
    </Modal>
  );
}
