import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import type { BulkResolveAnswer, ConflictList, Conflict } from '../api/types';
import { modificationKeys, recordKeys } from '../records/queries';
import { queueKeys } from '../queue/queries';
import { useSession } from '../session/session';
import { useSelection } from '../ui/selection';
import { syncKeys } from '../sync/queries';
import { AppShell } from '../ui/AppShell';
import { ErrorNotice, Loading, Pager, errorText, reasonId } from '../ui/feedback';
import { fieldLabel, formatDateTime, localToIso } from '../ui/format';
import { Modal } from '../ui/Modal';
import { useUrlState } from '../ui/url-state';
import { ResolveConflictDialog } from './ResolveConflictDialog';
import { conflictKeys } from './queries';

const PAGE_SIZE = 50;

type Bulk = { resolution: 'use_local' | 'use_pems'; scope: 'selected' | 'matching' };

function bulkResult(answer: BulkResolveAnswer): string {
  const by = (outcome: string) => answer.results.filter((result) => result.outcome === outcome).length;
  const parts = [`Resolved ${answer.resolvedCount}.`];
  if (by('already_resolved') > 0) parts.push(`${by('already_resolved')} had been resolved by someone else already.`);
  if (by('invalid') > 0) parts.push(`${by('invalid')} could not be resolved that way (the result breaks a rule): open them to merge.`);
  if (by('not_found') > 0) parts.push(`${by('not_found')} no longer exist.`);
  return parts.join(' ');
}

/** The organization's conflicts, unresolved first: open one to resolve it, or resolve many the same way. */
export function ConflictsPage() {
  const { organization, me, can } = useSession();
  const organizationId = organization.organizationId;
  const queryClient = useQueryClient();
  const [view, setView] = useUrlState({ status: 'unresolved', pfaId: '', mine: '', from: '', to: '', page: '1' });
  const page = Math.max(1, Number.parseInt(view.page, 10) || 1);
  const { selected, toggle, clear: clearSelection } = useSelection();
  const [opened, setOpened] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Bulk | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const openerRef = useRef<HTMLElement | null>(null);
  const bulkButtonRef = useRef<HTMLElement | null>(null);

  const filter = {
    status: view.status || undefined,
    pfaId: view.pfaId.trim() || undefined,
    modifiedBy: view.mine ? me.id : undefined,
    from: localToIso(view.from),
    to: localToIso(view.to),
  };
  const conflicts = useQuery({
    queryKey: conflictKeys.list(organizationId, filter, page),
    queryFn: ({ signal }) => api.get<ConflictList>('/pems/conflicts', { organizationId, ...filter, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });

  const bulk = useMutation({
    mutationFn: (request: Bulk) => {
      const scope =
        request.scope === 'selected' ? { conflictIds: [...selected] } : { filter: Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) };
      return api.post<BulkResolveAnswer>('/pems/conflicts/resolve', { organizationId, resolution: request.resolution, ...scope });
    },
    onSuccess: (answer) => {
      setFailure(null);
      setResult(bulkResult(answer));
      clearSelection();
      setConfirming(null);
      refreshQueries(queryClient, conflictKeys.all, recordKeys.all, modificationKeys.all, queueKeys.all, syncKeys.all);
    },
    onError: (error) => {
      setResult(null);
      setConfirming(null);
      setFailure(`Nothing was resolved. ${errorText(error)}`);
    },
  });

  const syncBlocked = !can('perm_Sync') ? 'You need the Sync permission in this organization to resolve conflicts.' : null;
  const matchingBlocked = syncBlocked ?? (view.status === 'resolved' ? 'Resolved conflicts cannot be resolved again: set the status filter to unresolved or any.' : null);
  const list: Conflict[] = conflicts.data?.conflicts ?? [];

  function setFilter(changes: Partial<typeof view>) {
    clearSelection();
    setView({ ...changes, page: '1' });
  }

  const ask = (request: Bulk, button: HTMLElement) => {
    bulkButtonRef.current = button;
    setConfirming(request);
  };

  return (
    <AppShell title="Conflicts">
      <p>PEMS changed these records while an edit was on its way. Open one to compare what the editor saw, what they wrote and what PEMS holds now, and decide.</p>
      <form className="filters" onSubmit={(event) => event.preventDefault()} aria-label="Filter the conflicts">
        <div className="field">
          <label htmlFor="conflict-status">Status</label>
          <select id="conflict-status" value={view.status} onChange={(event) => setFilter({ status: event.target.value })}>
            <option value="">Any</option>
            <option value="unresolved">unresolved</option>
            <option value="resolved">resolved</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="conflict-pfa">PFA ID</label>
          <input id="conflict-pfa" value={view.pfaId} onChange={(event) => setFilter({ pfaId: event.target.value })} />
        </div>
        <div className="field checkbox">
          <input id="conflict-mine" type="checkbox" checked={view.mine === '1'} onChange={(event) => setFilter({ mine: event.target.checked ? '1' : '' })} />
          <label htmlFor="conflict-mine">Only my edits</label>
        </div>
        <div className="field">
          <label htmlFor="conflict-from">From</label>
          <input id="conflict-from" type="datetime-local" value={view.from} onChange={(event) => setFilter({ from: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="conflict-to">To</label>
          <input id="conflict-to" type="datetime-local" value={view.to} onChange={(event) => setFilter({ to: event.target.value })} />
        </div>
      </form>
      <div className="toolbar">
        <button
          type="button"
          disabled={syncBlocked !== null || selected.size === 0 || bulk.isPending}
          aria-describedby={syncBlocked ? reasonId('resolve') : undefined}
          onClick={(event) => ask({ resolution: 'use_local', scope: 'selected' }, event.currentTarget)}
        >
          Keep mine for selected
        </button>
        <button
          type="button"
          disabled={syncBlocked !== null || selected.size === 0 || bulk.isPending}
          aria-describedby={syncBlocked ? reasonId('resolve') : undefined}
          onClick={(event) => ask({ resolution: 'use_pems', scope: 'selected' }, event.currentTarget)}
        >
          Keep PEMS for selected
        </button>
        <button
          type="button"
          disabled={matchingBlocked !== null || bulk.isPending}
          aria-describedby={matchingBlocked ? reasonId('resolve-matching') : undefined}
          onClick={(event) => ask({ resolution: 'use_local', scope: 'matching' }, event.currentTarget)}
        >
          Keep mine for all matching
        </button>
        <button
          type="button"
          disabled={matchingBlocked !== null || bulk.isPending}
          aria-describedby={matchingBlocked ? reasonId('resolve-matching') : undefined}
          onClick={(event) => ask({ resolution: 'use_pems', scope: 'matching' }, event.currentTarget)}
        >
          Keep PEMS for all matching
        </button>
        {syncBlocked && (
          <span id={reasonId('resolve')} className="hint">
            {syncBlocked}
          </span>
        )}
        {matchingBlocked && (
          <span id={reasonId('resolve-matching')} className="hint">
            {matchingBlocked}
          </span>
        )}
        <span className="hint" aria-live="polite">
          {selected.size > 0 ? `${selected.size} selected` : ''}
        </span>
      </div>
      <p role="status" className="result">
        {bulk.isPending ? 'Resolving…' : (result ?? '')}
      </p>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {conflicts.isPending && <Loading what="Loading the conflicts" />}
      {conflicts.isError && <ErrorNotice error={conflicts.error} action="The conflicts could not be loaded" />}
      {conflicts.data && (
        <>
          <div className="table-wrap">
            <table aria-label="Conflicts" aria-busy={conflicts.isFetching}>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Selected</span>
                  </th>
                  <th scope="col">PFA ID</th>
                  <th scope="col">Conflicting fields</th>
                  <th scope="col">Edited by</th>
                  <th scope="col">Found</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {list.map((conflict) => (
                  <tr key={conflict.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select conflict ${conflict.pfaId}`}
                        checked={selected.has(conflict.id)}
                        disabled={conflict.status === 'resolved'}
                        onChange={(event) => toggle(conflict.id, event.target.checked)}
                      />
                    </td>
                    <th scope="row">
                      <button
                        type="button"
                        className="link"
                        onClick={(event) => {
                          openerRef.current = event.currentTarget;
                          setOpened(conflict.id);
                        }}
                      >
                        {conflict.pfaId}
                      </button>
                    </th>
                    <td>{conflict.conflictFields.map(fieldLabel).join(', ')}</td>
                    <td>{conflict.modifiedBy?.username ?? '—'}</td>
                    <td>{formatDateTime(conflict.createdAt)}</td>
                    <td>
                      {conflict.status === 'unresolved' ? (
                        <span className="sync-badge sync-conflict">
                          <span aria-hidden="true">⚠ </span>Unresolved
                        </span>
                      ) : (
                        <span className="sync-badge sync-synced">
                          <span aria-hidden="true">✓ </span>
                          {`Resolved by ${conflict.resolvedBy?.username ?? 'someone'}`}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {list.length === 0 && <p>{view.status === 'unresolved' ? 'No unresolved conflict: nothing waits for a decision.' : 'No conflict matches.'}</p>}
          <Pager
            label="Conflicts"
            page={page}
            pageSize={PAGE_SIZE}
            total={conflicts.data.total}
            onPage={(next) => {
              clearSelection();
              setView({ page: String(next) });
            }}
          />
        </>
      )}
      <ResolveConflictDialog conflictId={opened} onClose={() => setOpened(null)} returnFocus={openerRef} />
      <Modal
        open={confirming !== null}
        onOpenChange={(open) => !open && setConfirming(null)}
        title={confirming?.resolution === 'use_pems' ? 'Keep PEMS’s values' : 'Keep the edits'}
        returnFocus={bulkButtonRef}
      >
        {confirming && (
          <>
            <p>
              {confirming.resolution === 'use_pems'
                ? 'PEMS’s values stay for every conflicting field; the edits are closed without a write.'
                : 'The edits are sent to PEMS again on its current version, over what PEMS holds now.'}
            </p>
            <p>
              {confirming.scope === 'selected'
                ? `${selected.size} selected conflicts.`
                : `Every unresolved conflict matching the filter (${conflicts.data?.total ?? 0} listed now).`}
            </p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => bulk.mutate(confirming)} disabled={bulk.isPending}>
                Resolve them
              </button>
              <button type="button" onClick={() => setConfirming(null)}>
                Cancel
              </button>
            </div>
          </>
        )}
      </Modal>
    </AppShell>
  );
}
