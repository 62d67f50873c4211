import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { AuditEntry, Page } from '../api/types';
import { AppShell } from '../AppShell';
import { ErrorNotice, Loading, Pager } from '../components/feedback';
import { formatDateTime } from '../components/format';
import { useUrlState } from '../components/url-state';
import { useSession } from '../session/session';

const PAGE_SIZE = 50;

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
    queryKey: ['audit', organization.organizationId, view.action, page],
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
              <input id="audit-action" value={view.action} onChange={(event) => setView({ action: event.target.value, page: '1' })} placeholder="e.g. queue.retry" />
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
                        <td>{entry.user?.username ?? '—'}</td>
                        <td>{entry.action}</td>
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
