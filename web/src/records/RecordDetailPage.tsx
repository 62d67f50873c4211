import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import type { HistoryEntry, PfaRecordDetail, PfaValues } from '../api/types';
import { AppShell } from '../ui/AppShell';
import { ErrorNotice, Loading, reasonId } from '../ui/feedback';
import { describeChanges, fieldLabel, formatDateTime, formatValue, FIELD_LABELS } from '../ui/format';
import { ModificationStatus } from '../ui/ModificationStatus';
import { SyncBadge, indicatorState } from '../ui/SyncBadge';
import { useSession } from '../session/session';
import { EditRecordDialog } from './EditRecordDialog';
import { recordKeys } from './queries';
import { RestoreVersionDialog } from './RestoreVersionDialog';

/** What changed from one mirror snapshot to the next, as "Field: old → new". */
export function historyChanges(entry: HistoryEntry, previous: HistoryEntry | undefined): string {
  if (!previous) return 'First seen';
  const fields = new Set([...Object.keys(entry.data), ...Object.keys(previous.data)]);
  const changed = [...fields].filter((field) => JSON.stringify(entry.data[field] ?? null) !== JSON.stringify(previous.data[field] ?? null));
  if (changed.length === 0) return 'No field changed';
  return changed.map((field) => `${fieldLabel(field)}: ${formatValue(previous.data[field])} → ${formatValue(entry.data[field])}`).join('; ');
}

const HISTORY_SOURCES: Record<string, string> = { read_sync: 'Read from PEMS', write_sync: 'Our write to PEMS', conflict_check: 'Read for a conflict check' };

function Values({ values, pemsValues, changedFields }: { values: PfaValues; pemsValues: PfaValues; changedFields: string[] }) {
  return (
    <dl className="values">
      {Object.keys(FIELD_LABELS).map((field) => (
        <div key={field} className={changedFields.includes(field) ? 'changed' : undefined}>
          <dt>{fieldLabel(field)}</dt>
          <dd>
            {formatValue(values[field])}
            {changedFields.includes(field) && <span className="note">{` (edited; PEMS has ${formatValue(pemsValues[field])})`}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function RecordDetailPage({ id }: { id: string }) {
  const { organization, can } = useSession();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  const restoreOpener = useRef<HTMLElement | null>(null);
  const record = useQuery({ queryKey: recordKeys.detail(id), queryFn: ({ signal }) => api.get<PfaRecordDetail>(`/pfa/${id}`, undefined, signal) });

  const data = record.data;
  const inOtherOrganization = data && data.organizationId !== organization.organizationId;
  const editBlocked = !can('perm_Edit') ? 'You need the Edit permission in this organization to edit records.' : data?.deletedInPemsAt ? 'PEMS no longer has this record.' : null;

  return (
    <AppShell title={data ? `Record ${data.pfaId}` : 'Record'}>
      <p>
        <Link href="/records">Back to records</Link>
      </p>
      {record.isPending && <Loading what="Loading the record" />}
      {record.isError && <ErrorNotice error={record.error} action="The record could not be loaded" />}
      {data && inOtherOrganization && <p role="alert">This record belongs to another organization than the one chosen above.</p>}
      {data && (
        <>
          <section aria-labelledby="record-state" className="record-head">
            <h2 id="record-state" className="visually-hidden">
              State
            </h2>
            <span>
              Sync status: <SyncBadge state={indicatorState(data.syncState)} at={data.syncState === 'synced' ? data.lastSyncedAt : data.lastEditAt} error={data.lastEditError} />
            </span>
            <span>{`PEMS version ${data.version}`}</span>
            <span>{`Last synced ${formatDateTime(data.lastSyncedAt)}`}</span>
            {data.deletedInPemsAt && <span role="note">{`Not found in PEMS since ${formatDateTime(data.deletedInPemsAt)}`}</span>}
            <button
              ref={editButton}
              type="button"
              className="primary"
              onClick={() => {
                setSaved(null);
                setEditing(true);
              }}
              disabled={editBlocked !== null}
              aria-describedby={editBlocked ? reasonId('edit') : undefined}
            >
              Edit
            </button>
            {editBlocked && (
              <span id={reasonId('edit')} className="hint">
                {editBlocked}
              </span>
            )}
            <span role="status" className="saved">
              {saved ?? ''}
            </span>
          </section>
          {data.lastEditError && <p className="error">{`The last edit failed: ${data.lastEditError}`}</p>}
          <h2>Values</h2>
          <Values values={data.values} pemsValues={data.pemsValues} changedFields={data.changedFields} />
          <h2 id="modifications-title">Modifications</h2>
          {data.modifications.length === 0 ? (
            <p>No one has edited this record here.</p>
          ) : (
            <div className="table-wrap">
              <table aria-labelledby="modifications-title">
                <thead>
                  <tr>
                    <th scope="col">Edited</th>
                    <th scope="col">By</th>
                    <th scope="col">Changes</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {data.modifications.map((modification) => (
                    <tr key={modification.id}>
                      <td>{formatDateTime(modification.createdAt)}</td>
                      <td>{modification.username ?? '—'}</td>
                      <td>{describeChanges(modification.changes)}</td>
                      <td>{modification.changeReason ?? '—'}</td>
                      <td>
                        <ModificationStatus status={modification.status} at={modification.syncedAt ?? modification.updatedAt} error={modification.syncError} />
                        {modification.syncError && <span className="note">{` ${modification.syncError}`}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2 id="history-title">History</h2>
          {data.history.length === 0 ? (
            <p>The mirror has kept no earlier version of this record.</p>
          ) : (
            <div className="table-wrap">
              <table aria-labelledby="history-title">
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Seen</th>
                    <th scope="col">How</th>
                    <th scope="col">What changed</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.history.map((entry, index) => (
                    <tr key={`${entry.version}-${entry.createdAt}`}>
                      <td>{entry.version}</td>
                      <td>{formatDateTime(entry.createdAt)}</td>
                      <td>{HISTORY_SOURCES[entry.source] ?? entry.source}</td>
                      <td>{historyChanges(entry, data.history[index + 1])}</td>
                      <td>
                        {/* The newest version is what PEMS holds: restoring it only makes sense to undo unsynced edits. */}
                        {(index > 0 || data.changedFields.length > 0) && (
                          <button
                            type="button"
                            aria-label={`Restore version ${entry.version}`}
                            disabled={editBlocked !== null}
                            aria-describedby={editBlocked ? reasonId('edit') : undefined}
                            onClick={(event) => {
                              restoreOpener.current = event.currentTarget;
                              setSaved(null);
                              setRestoring(entry.version);
                            }}
                          >
                            Restore…
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <RestoreVersionDialog
            recordId={data.id}
            version={restoring}
            onClose={() => setRestoring(null)}
            returnFocus={restoreOpener}
            onRestored={(_modification, version) => {
              setRestoring(null);
              setSaved(`Saved: a draft edit restores version ${version}; send it from My edits.`);
            }}
          />
          <EditRecordDialog
            record={data}
            open={editing}
            onOpenChange={setEditing}
            returnFocus={editButton}
            onSaved={() => {
              setEditing(false);
              setSaved('Saved');
            }}
          />
        </>
      )}
    </AppShell>
  );
}
