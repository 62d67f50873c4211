import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { AuditEntry, Page } from '../api/types';
import { AppShell } from '../ui/AppShell';
import { ErrorNotice, Loading, Pager } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { useUrlState } from '../ui/url-state';
import { useSession } from '../session/session';
import { auditKeys } from './queries';

const PAGE_SIZE = 50;

/** The actions the API records (GET /api/audit's `action`), as people would say them. */
const ACTIONS: Record<string, string> = {
  'pfa.edit': 'Edit a record',
  'modification.discard': 'Discard an edit',
  'write-sync.send': 'Send edits to PEMS',
  'queue.retry': 'Retry queue items',
  'queue.cancel': 'Cancel queue items',
  'server.pause': 'Pause writes',
  'server.resume': 'Resume writes',
  'conflict.resolve': 'Resolve a conflict',
  'read-sync.start': 'Read from PEMS',
  'admin.api-server.update': 'Change the PEMS server',
  'admin.organization.create': 'Create an organization',
  'admin.user.create': 'Create a user',
  'admin.member.update': "Change a member's permissions",
};

const describeDetail = (detail: Record<string, unknown> | null) =>
  detail
    ? Object.entries(detail)
        .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join('; ')
    : '—';

/** Who did what, and when, in this organization (perm_Admin). */
export function AuditPage() {
  const { organization, can } = useSession();
  const [view, setView] = useUrlState({ action: '', page: '1' });
  const page = Math.max(1, Number.parseInt(view.page, 10) || 1);
  const admin = can('perm_Admin');
  const entries = useQuery({
    queryKey: auditKeys.list(organization.organizationId, view.action, page),
    queryFn: ({ signal }) =>
      api.get<Page<AuditEntry>>('/audit', { organizationId: organization.organizationId, action: view.action || undefined, page, pageSize: PAGE_SIZE }, signal),
    enabled: admin,
    placeholderData: keepPreviousData,
  });

  return (
    <AppShell title="Audit">
      {!admin ? (
        <p>The audit log is for the administrators of this organization.</p>
      ) : (
        <>
          <form className="filters" onSubmit={(event) => event.preventDefault()} aria-label="Filter the audit log">
            <div className="field">
              <label htmlFor="audit-action">Action</label>
              <select id="audit-action" value={view.action} onChange={(event) => setView({ action: event.target.value, page: '1' })}>
                <option value="">Any</option>
                {Object.entries(ACTIONS).map(([action, label]) => (
                  <option key={action} value={action}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
          </form>
          {entries.isPending && <Loading what="Loading the audit log" />}
          {entries.isError && <ErrorNotice error={entries.error} action="The audit log could not be loaded" />}
          {entries.data && (
            <>
              <div className="table-wrap">
                <table aria-label="Audit log">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Who</th>
                      <th scope="col">Action</th>
                      <th scope="col">On</th>
                      <th scope="col">Detail</th>
                    </tr>
                  </thead>
                  <tbody>
                    {entries.data.items.map((entry) => (
                      <tr key={entry.id}>
                        <td>{formatDateTime(entry.at)}</td>
                        <td>{entry.user.username}</td>
                        <td>{ACTIONS[entry.action] ?? entry.action}</td>
                        <td>{entry.target ?? '—'}</td>
                        <td>{describeDetail(entry.detail)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {entries.data.items.length === 0 && <p>No action recorded yet.</p>}
              <Pager label="Audit" page={page} pageSize={PAGE_SIZE} total={entries.data.total} onPage={(next) => setView({ page: String(next) })} />
            </>
          )}
        </>
      )}
    </AppShell>
  );
}
