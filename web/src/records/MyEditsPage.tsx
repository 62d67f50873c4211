import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'wouter';
import { ApiError, api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import { queueKeys } from '../queue/queries';
import { syncKeys } from '../sync/queries';
import type { Modification, Page, WriteSyncAnswer } from '../api/types';
import { AppShell } from '../ui/AppShell';
import { ErrorNotice, Loading, Pager, reasonId } from '../ui/feedback';
import { describeChanges, formatDateTime } from '../ui/format';
import { ModificationStatus } from '../ui/ModificationStatus';
import { useUrlState } from '../ui/url-state';
import { useSession } from '../session/session';
import { useSelection } from '../ui/selection';
import { modificationKeys, recordKeys } from './queries';

const PAGE_SIZE = 100;

function sendResult(answer: WriteSyncAnswer): string {
  if (answer.queuedCount === 0) return 'Queued nothing: none of these edits was waiting to be sent.';
  return `Queued ${answer.queuedCount} ${answer.queuedCount === 1 ? 'edit' : 'edits'} for PEMS; estimated completion ${formatDateTime(answer.estimatedCompletionTime)}.`;
}

function refusal(error: unknown): string {
  if (error instanceof ApiError && error.errors.length > 0) return `${error.message}: ${error.errors.map((fieldError) => `${fieldError.field}: ${fieldError.message}`).join('; ')}`;
  if (error instanceof ApiError) return error.message;
  return String(error);
}

/** The user's edits that PEMS does not hold yet: send them, or discard one that was not sent. */
export function MyEditsPage() {
  const { organization, can } = useSession();
  const queryClient = useQueryClient();
  const [view, setView] = useUrlState({ page: '1' });
  const page = Math.max(1, Number.parseInt(view.page, 10) || 1);
  const { selected, toggle, clear: clearSelection } = useSelection();
  const [result, setResult] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const edits = useQuery({
    queryKey: modificationKeys.myUnsynced(organization.organizationId, page),
    queryFn: ({ signal }) =>
      api.get<Page<Modification>>('/pfa/modifications', { organizationId: organization.organizationId, mine: true, unsynced: true, page, pageSize: PAGE_SIZE }, signal),
  });

  const resultRef = useRef<HTMLParagraphElement>(null);
  const refresh = () => refreshQueries(queryClient, recordKeys.all, modificationKeys.all, queueKeys.all, syncKeys.all);

  const send = useMutation({
    // mine: "all" means all of this user's drafts, on every page, never a colleague's.
    mutationFn: (modificationIds: string[] | undefined) =>
      api.post<WriteSyncAnswer>('/pems/write-sync', { organizationId: organization.organizationId, mine: true, ...(modificationIds ? { modificationIds } : {}) }),
    onSuccess: (answer) => {
      setFailure(null);
      setResult(sendResult(answer));
      clearSelection();
      refresh();
    },
    onError: (error) => {
      setResult(null);
      setFailure(`Nothing was sent. ${refusal(error)}`);
    },
  });

  const discard = useMutation({
    mutationFn: (modification: Modification) => api.delete<Modification>(`/pfa/modifications/${modification.id}`),
    onSuccess: (modification) => {
      setFailure(null);
      setResult(`Discarded the edit of ${modification.pfaId}.`);
      toggle(modification.id, false);
      refresh();
      // The row and its button are gone: the focus goes to the message that says what happened.
      resultRef.current?.focus();
    },
    onError: (error) => {
      setResult(null);
      setFailure(`The edit was not discarded. ${refusal(error)}`);
    },
  });

  const items = edits.data?.items ?? [];
  const drafts = items.filter((item) => item.status === 'pending');
  const sendBlocked = !can('perm_Sync') ? 'You need the Sync permission in this organization to send edits to PEMS.' : null;
  const discardBlocked = !can('perm_Edit') ? 'You need the Edit permission to discard edits.' : null;
  const selectedDrafts = drafts.filter((item) => selected.has(item.id)).map((item) => item.id);

  return (
    <AppShell title="My edits">
      <p>Your edits that PEMS does not hold yet. Drafts wait until you send them; queued and syncing ones are on their way.</p>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={sendBlocked !== null || send.isPending || drafts.length === 0}
          aria-describedby={sendBlocked ? reasonId('send') : undefined}
          onClick={() => send.mutate(undefined)}
        >
          Send all to PEMS
        </button>
        <button
          type="button"
          disabled={sendBlocked !== null || send.isPending || selectedDrafts.length === 0}
          aria-describedby={sendBlocked ? reasonId('send') : undefined}
          onClick={() => send.mutate(selectedDrafts)}
        >
          Send selected to PEMS
        </button>
        {sendBlocked && (
          <span id={reasonId('send')} className="hint">
            {sendBlocked}
          </span>
        )}
        {discardBlocked && (
          <span id={reasonId('discard')} className="hint">
            {discardBlocked}
          </span>
        )}
      </div>
      <p role="status" className="result" ref={resultRef} tabIndex={-1}>
        {send.isPending ? 'Sending…' : (result ?? '')}
      </p>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {edits.isPending && <Loading what="Loading your edits" />}
      {edits.isError && <ErrorNotice error={edits.error} action="Your edits could not be loaded" />}
      {edits.data && items.length === 0 && <p>You have no unsynced edits in this organization.</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="My unsynced edits">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Selected</span>
                </th>
                <th scope="col">PFA ID</th>
                <th scope="col">Changes</th>
                <th scope="col">Reason</th>
                <th scope="col">Edited</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${item.pfaId}`}
                      checked={selected.has(item.id)}
                      disabled={item.status !== 'pending'}
                      onChange={(event) => toggle(item.id, event.target.checked)}
                    />
                  </td>
                  <th scope="row">
                    <Link href={`/records/${item.recordId}`}>{item.pfaId}</Link>
                  </th>
                  <td>{describeChanges(item.changes)}</td>
                  <td>{item.changeReason ?? '—'}</td>
                  <td>{formatDateTime(item.updatedAt)}</td>
                  <td>
                    <ModificationStatus status={item.status} at={item.updatedAt} error={item.syncError} />
                    {item.syncError && <span className="note">{` ${item.syncError}`}</span>}
                  </td>
                  <td>
                    {item.status === 'pending' && (
                      <button
                        type="button"
                        aria-label={`Discard the edit of ${item.pfaId}`}
                        disabled={discardBlocked !== null || discard.isPending}
                        aria-describedby={discardBlocked ? reasonId('discard') : undefined}
                        onClick={() => discard.mutate(item)}
                      >
                        Discard
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {edits.data && edits.data.total > PAGE_SIZE && (
        <Pager label="My edits" page={page} pageSize={PAGE_SIZE} total={edits.data.total} onPage={(next) => setView({ page: String(next) })} />
      )}
    </AppShell>
  );
}
