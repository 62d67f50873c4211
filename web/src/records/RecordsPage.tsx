import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import type { Page, PfaRecord } from '../api/types';
import { AppShell } from '../ui/AppShell';
import { ErrorNotice, Loading, Pager } from '../ui/feedback';
import { formatValue } from '../ui/format';
import { SyncBadge, indicatorState } from '../ui/SyncBadge';
import { useUrlState } from '../ui/url-state';
import { useSession } from '../session/session';
import { recordKeys } from './queries';

const PAGE_SIZE = 50;

/** The columns, their sort key in the API (when sortable) and how a value is shown. */
const COLUMNS: Array<{ field: string; label: string; sortable: boolean; numeric?: boolean }> = [
  { field: 'pfaId', label: 'PFA ID', sortable: true },
  { field: 'category', label: 'Category', sortable: true },
  { field: 'class', label: 'Class', sortable: true },
  { field: 'source', label: 'Source', sortable: true },
  { field: 'manufacturer', label: 'Manufacturer', sortable: true },
  { field: 'model', label: 'Model', sortable: true },
  { field: 'forecastStart', label: 'Forecast start', sortable: true },
  { field: 'forecastEnd', label: 'Forecast end', sortable: true },
  { field: 'monthlyRate', label: 'Monthly rate', sortable: false, numeric: true },
];

export function RecordsPage() {
  const { organization } = useSession();
  const [view, setView] = useUrlState({ q: '', page: '1', sort: 'pfaId', order: 'asc' });
  const [searchText, setSearchText] = useState(view.q);
  const page = Math.max(1, Number.parseInt(view.page, 10) || 1);

  // The search runs when typing pauses, not at every key.
  useEffect(() => {
    if (searchText === view.q) return;
    const timer = setTimeout(() => setView({ q: searchText.trim(), page: '1' }), 250);
    return () => clearTimeout(timer);
  }, [searchText, view.q, setView]);

  const records = useQuery({
    queryKey: recordKeys.list(organization.organizationId, { q: view.q, sort: view.sort, order: view.order, page }),
    queryFn: ({ signal }) =>
      api.get<Page<PfaRecord>>(
        '/pfa',
        {
          organizationId: organization.organizationId,
          search: view.q || undefined,
          sort: view.sort,
          order: view.order,
          page,
          pageSize: PAGE_SIZE,
        },
        signal,
      ),
    placeholderData: keepPreviousData,
  });

  function sortBy(field: string) {
    const order = view.sort === field && view.order === 'asc' ? 'desc' : 'asc';
    setView({ sort: field, order, page: '1' });
  }

  return (
    <AppShell title="Records">
      <form className="toolbar" role="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="record-search">Search records</label>
        <input
          id="record-search"
          type="search"
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
          aria-describedby="record-search-hint"
          placeholder="PFA ID, category, class, manufacturer, model"
        />
        <span id="record-search-hint" className="hint">
          Matches PFA ID, category, class, manufacturer and model.
        </span>
      </form>
      {records.isError && <ErrorNotice error={records.error} action="The records could not be loaded" />}
      {records.isPending && <Loading what="Loading records" />}
      {records.data && (
        <>
          <div className="table-wrap">
            <table aria-label="PFA records" aria-busy={records.isFetching}>
              <thead>
                <tr>
                  {COLUMNS.map((column) => (
                    <th
                      key={column.field}
                      scope="col"
                      aria-sort={view.sort === column.field ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined}
                      className={column.numeric ? 'numeric' : undefined}
                    >
                      {column.sortable ? (
                        <button type="button" className="sort" onClick={() => sortBy(column.field)}>
                          {column.label}
                          <span aria-hidden="true">{view.sort === column.field ? (view.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                        </button>
                      ) : (
                        column.label
                      )}
                    </th>
                  ))}
                  <th scope="col">Sync status</th>
                </tr>
              </thead>
              <tbody>
                {records.data.items.map((record) => (
                  <tr key={record.id}>
                    <th scope="row">
                      <Link href={`/records/${record.id}`}>{record.pfaId}</Link>
                    </th>
                    {COLUMNS.slice(1).map((column) => (
                      <td key={column.field} className={column.numeric ? 'numeric' : undefined}>
                        {formatValue(record.values[column.field])}
                      </td>
                    ))}
                    <td>
                      <SyncBadge
                        state={indicatorState(record.syncState)}
                        at={record.syncState === 'synced' ? record.lastSyncedAt : record.lastEditAt}
                        error={record.lastEditError}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="hint">Sorting uses the values PEMS holds; the table shows them with unsynced edits applied.</p>
          {records.data.items.length === 0 && <p>{view.q ? `No record matches “${view.q}”.` : 'No records yet: a read sync brings them from PEMS.'}</p>}
          <Pager label="Records" page={page} pageSize={PAGE_SIZE} total={records.data.total} onPage={(next) => setView({ page: String(next) })} />
        </>
      )}
    </AppShell>
  );
}
