import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import type { BatchAnswer, Page, QueueItem } from '../api/types';
import { AppShell } from '../ui/AppShell';
import { ErrorNotice, Loading, Pager, errorText, reasonId } from '../ui/feedback';
import { describeChanges, formatDateTime, localToIso } from '../ui/format';
import { Modal } from '../ui/Modal';
import { useUrlState } from '../ui/url-state';
import { modificationKeys, recordKeys } from '../records/queries';
import { useSession } from '../session/session';
import { useSelection } from '../ui/selection';
import { syncKeys } from '../sync/queries';
import { queueKeys } from './queries';
import { QueueItemDialog } from './QueueItemDialog';
import { WritePauseControl } from './WritePauseControl';

const PAGE_SIZE = 50;
const STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;

type Batch = { action: 'retry' | 'cancel'; scope: 'selected' | 'matching' };

function batchResult({ action }: Batch, answer: BatchAnswer): string {
  const count = action === 'retry' ? (answer.retriedCount ?? 0) : (answer.cancelledCount ?? 0);
  const verb = action === 'retry' ? 'Sent again' : 'Cancelled';
  const skipped = answer.skipped.length > 0 ? ` Left alone: ${answer.skipped.length} (${[...new Set(answer.skipped.map((skip) => skip.reason))].join('; ')}).` : '';
  return `${verb}: ${count} ${count === 1 ? 'item' : 'items'}.${skipped}`;
}

export function QueuePage() {
  const { organization, can } = useSession();
  const organizationId = organization.organizationId;
  const queryClient = useQueryClient();
  const [view, setView] = useUrlState({ status: '', from: '', to: '', pfaId: '', page: '1' });
  const page = Math.max(1, Number.parseInt(view.page, 10) || 1);
  const { selected, toggle, clear: clearSelection } = useSelection();
  const [opened, setOpened] = useState<QueueItem | null>(null);
  const [confirming, setConfirming] = useState<Batch | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const openerRef = useRef<HTMLElement | null>(null);
  const matchingButtonRef = useRef<HTMLElement | null>(null);

  const filter = { status: view.status || undefined, from: localToIso(view.from), to: localToIso(view.to), pfaId: view.pfaId.trim() || undefined };
  const items = useQuery({
    queryKey: queueKeys.list(organizationId, filter, page),
    queryFn: ({ signal }) => api.get<Page<QueueItem>>('/pems/write-queue', { organizationId, ...filter, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });

  const batch = useMutation({
    mutationFn: async (request: Batch) => {
      const scope = request.scope === 'selected' ? { ids: [...selected] } : { filter: Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) };
      return api.post<BatchAnswer>(`/pems/write-queue/${request.action}`, { organizationId, ...scope });
    },
    onSuccess: (answer, request) => {
      setFailure(null);
      setResult(batchResult(request, answer));
      clearSelection();
      setConfirming(null);
      refreshQueries(queryClient, queueKeys.all, syncKeys.all, recordKeys.all, modificationKeys.all);
    },
    onError: (error) => {
      setResult(null);
      setConfirming(null);
      setFailure(`Nothing was changed. ${errorText(error)}`);
    },
  });

  const syncBlocked = !can('perm_Sync') ? 'You need the Sync permission in this organization to retry or cancel items.' : null;
  // "All matching" with a status filter that excludes what the action works on would do nothing: say so instead.
  const retryMatchingBlocked = syncBlocked ?? (view.status && view.status !== 'failed' ? 'Only failed items can be retried: set the status filter to failed or any.' : null);
  const cancelMatchingBlocked = syncBlocked ?? (view.status && view.status !== 'pending' ? 'Only pending items can be cancelled: set the status filter to pending or any.' : null);
  const [pfaIdText, setPfaIdText] = useState(view.pfaId);
  const list = items.data?.items ?? [];

  // The PFA ID filter applies when typing pauses, not at every key.
  useEffect(() => {
    if (pfaIdText === view.pfaId) return;
    const timer = setTimeout(() => {
      clearSelection();
      setView({ pfaId: pfaIdText, page: '1' });
    }, 300);
    return () => clearTimeout(timer);
  }, [pfaIdText, view.pfaId, setView, clearSelection]);

  function setFilter(changes: Partial<typeof view>) {
    clearSelection();
    setView({ ...changes, page: '1' });
  }

  const matchingText = (request: Batch) =>
    request.action === 'retry'
      ? 'Every failed item matching the filter is sent again, with its retries counted afresh. Items that ended in a version conflict are left alone: their conflict is resolved instead.'
      : 'Every pending item matching the filter is cancelled; its edit goes back to the drafts of the person who made it.';

  return (
    <AppShell title="Queue">
      <WritePauseControl />
      <form className="filters" onSubmit={(event) => event.preventDefault()} aria-label="Filter the queue">
        <div className="field">
          <label htmlFor="queue-status">Status</label>
          <select id="queue-status" value={view.status} onChange={(event) => setFilter({ status: event.target.value })}>
            <option value="">Any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="queue-from">From</label>
          <input id="queue-from" type="datetime-local" value={view.from} onChange={(event) => setFilter({ from: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="queue-to">To</label>
          <input id="queue-to" type="datetime-local" value={view.to} onChange={(event) => setFilter({ to: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="queue-pfa">PFA ID</label>
          <input id="queue-pfa" value={pfaIdText} onChange={(event) => setPfaIdText(event.target.value)} />
        </div>
      </form>
      <div className="toolbar">
        <button
          type="button"
          disabled={syncBlocked !== null || selected.size === 0 || batch.isPending}
          aria-describedby={syncBlocked ? reasonId('sync') : undefined}
          onClick={() => batch.mutate({ action: 'retry', scope: 'selected' })}
        >
          Retry selected
        </button>
        <button
          type="button"
          disabled={retryMatchingBlocked !== null || batch.isPending}
          aria-describedby={syncBlocked ? reasonId('sync') : retryMatchingBlocked ? reasonId('retry-matching') : undefined}
          onClick={(event) => {
            matchingButtonRef.current = event.currentTarget;
            setConfirming({ action: 'retry', scope: 'matching' });
          }}
        >
          Retry all matching
        </button>
        <button
          type="button"
          disabled={syncBlocked !== null || selected.size === 0 || batch.isPending}
          aria-describedby={syncBlocked ? reasonId('sync') : undefined}
          onClick={() => batch.mutate({ action: 'cancel', scope: 'selected' })}
        >
          Cancel selected
        </button>
        <button
          type="button"
          disabled={cancelMatchingBlocked !== null || batch.isPending}
          aria-describedby={syncBlocked ? reasonId('sync') : cancelMatchingBlocked ? reasonId('cancel-matching') : undefined}
          onClick={(event) => {
            matchingButtonRef.current = event.currentTarget;
            setConfirming({ action: 'cancel', scope: 'matching' });
          }}
        >
          Cancel all matching
        </button>
        {syncBlocked ? (
          <span id={reasonId('sync')} className="hint">
            {syncBlocked}
          </span>
        ) : (
          <>
            {retryMatchingBlocked && (
              <span id={reasonId('retry-matching')} className="hint">
                {retryMatchingBlocked}
              </span>
            )}
            {cancelMatchingBlocked && (
              <span id={reasonId('cancel-matching')} className="hint">
                {cancelMatchingBlocked}
              </span>
            )}
          </>
        )}
        <span className="hint" aria-live="polite">
          {selected.size > 0 ? `${selected.size} selected` : ''}
        </span>
      </div>
      <p role="status" className="result">
        {batch.isPending ? 'Working…' : (result ?? '')}
      </p>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {items.isPending && <Loading what="Loading the queue" />}
      {items.isError && <ErrorNotice error={items.error} action="The queue could not be loaded" />}
      {items.data && (
        <>
          <div className="table-wrap">
            <table aria-label="Queue items" aria-busy={items.isFetching}>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Selected</span>
                  </th>
                  <th scope="col">PFA ID</th>
                  <th scope="col">Status</th>
                  <th scope="col">Changes</th>
                  <th scope="col" className="numeric">
                    Retries
                  </th>
                  <th scope="col">Last error</th>
                  <th scope="col">Queued</th>
                  <th scope="col">Due</th>
                </tr>
              </thead>
              <tbody>
                {list.map((item) => (
                  <tr key={item.id}>
                    <td>
                      <input type="checkbox" aria-label={`Select item ${item.pfaId}`} checked={selected.has(item.id)} onChange={(event) => toggle(item.id, event.target.checked)} />
                    </td>
                    <th scope="row">
                      <button
                        type="button"
                        className="link"
                        onClick={(event) => {
                          openerRef.current = event.currentTarget;
                          setOpened(item);
                        }}
                      >
                        {item.pfaId}
                      </button>
                    </th>
                    <td>
                      <span className={`queue-status status-${item.status}`}>{item.status}</span>
                    </td>
                    <td>{describeChanges(item.changes)}</td>
                    <td className="numeric">{`${item.retryCount} / ${item.maxRetries}`}</td>
                    <td>{item.lastError ? `${item.lastStatusCode ? `${item.lastStatusCode}: ` : ''}${item.lastError}` : '—'}</td>
                    <td>{formatDateTime(item.createdAt)}</td>
                    <td>{item.status === 'pending' ? formatDateTime(item.scheduledAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {list.length === 0 && <p>No queue item matches.</p>}
          <Pager
            label="Queue"
            page={page}
            pageSize={PAGE_SIZE}
            total={items.data.total}
            onPage={(next) => {
              // A selection is of the rows on screen: another page starts a new one.
              clearSelection();
              setView({ page: String(next) });
            }}
          />
        </>
      )}
      <QueueItemDialog itemId={opened?.id ?? null} pfaId={opened?.pfaId ?? ''} onClose={() => setOpened(null)} returnFocus={openerRef} />
      <Modal
        open={confirming !== null}
        onOpenChange={(open) => !open && setConfirming(null)}
        title={confirming?.action === 'retry' ? 'Retry all matching items' : 'Cancel all matching items'}
        returnFocus={matchingButtonRef}
      >
        {confirming && (
          <>
            <p>{matchingText(confirming)}</p>
            <p>{`Filter: ${view.status || 'any status'}${view.pfaId ? `, PFA ID ${view.pfaId}` : ''}${view.from ? `, from ${view.from}` : ''}${view.to ? `, to ${view.to}` : ''}.`}</p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => batch.mutate(confirming)} disabled={batch.isPending}>
                {confirming.action === 'retry' ? 'Retry them' : 'Cancel them'}
              </button>
              <button type="button" onClick={() => setConfirming(null)}>
                Keep them as they are
              </button>
            </div>
          </>
        )}
      </Modal>
    </AppShell>
  );
}
