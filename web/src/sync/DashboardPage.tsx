import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ServerState, SyncStatus, TimelineMinute } from '../api/types';
import { AppShell } from '../ui/AppShell';
import { ErrorNotice, Loading } from '../ui/feedback';
import { formatDateTime, formatDuration } from '../ui/format';
import { MinuteChart } from './MinuteChart';
import { useSession } from '../session/session';
import { syncKeys } from './queries';

/** Besides the live events, the figures are fetched again this often (time moves the 24-hour windows on). */
const REFRESH_MS = 30_000;

const HEALTH_TEXT = { healthy: 'Healthy', degraded: 'Degraded', unhealthy: 'Unhealthy' } as const;
const HEALTH_ICON = { healthy: '✓', degraded: '!', unhealthy: '✕' } as const;

function Figure({ term, value }: { term: string; value: string }) {
  return (
    <div className="figure">
      <dt>{term}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function ServerStateView({ state }: { state: ServerState }) {
  if (!state.configured) return <p>This organization has no PEMS server yet: edits can be made, but nothing is sent until an administrator sets one up.</p>;
  const used = state.usedPerSecondNow ?? 0;
  const limit = state.rateLimitPerSecond ?? 0;
  return (
    <dl className="figures">
      <Figure term="Server" value={`${state.name ?? '—'} (${state.baseUrl ?? '—'}, tenant ${state.tenant ?? '—'})`} />
      <Figure term="Writes" value={!state.isActive ? 'Inactive' : state.writeEnabled ? 'Enabled' : 'Disabled (read only)'} />
      <Figure term="Rate limit" value={`${limit} requests per second`} />
      <Figure
        term="Used now"
        value={`${used.toFixed(1)} per second (${limit > 0 ? Math.round((used / limit) * 100) : 0}% of the limit); ${state.sentLastMinute ?? 0} in the last minute`}
      />
      <Figure
        term="Credentials"
        value={
          state.credentialsPaused
            ? `Rejected by PEMS: writes paused until ${formatDateTime(state.credentialsPaused.until)} (${state.credentialsPaused.message ?? 'no detail'})`
            : 'Accepted'
        }
      />
      <Figure
        term="Write pause"
        value={
          state.writesPaused
            ? `Paused by ${state.writesPaused.by?.username ?? 'a user since deleted'} at ${formatDateTime(state.writesPaused.at)}: ${state.writesPaused.reason}`
            : 'Not paused'
        }
      />
      {state.retryAfterUntil && <Figure term="PEMS asked to wait" value={`until ${formatDateTime(state.retryAfterUntil)}`} />}
    </dl>
  );
}

export function DashboardPage() {
  const { organization } = useSession();
  const organizationId = organization.organizationId;
  const status = useQuery({
    queryKey: syncKeys.status(organizationId),
    queryFn: ({ signal }) => api.get<SyncStatus>('/pems/sync-status', { organizationId }, signal),
    refetchInterval: REFRESH_MS,
  });
  const timeline = useQuery({
    queryKey: syncKeys.timeline(organizationId),
    queryFn: ({ signal }) => api.get<{ minutes: TimelineMinute[] }>('/pems/sync-status/timeline', { organizationId, minutes: 60 }, signal),
    refetchInterval: REFRESH_MS,
  });
  const server = useQuery({
    queryKey: syncKeys.server(organizationId),
    queryFn: ({ signal }) => api.get<ServerState>('/pems/server-state', { organizationId }, signal),
    refetchInterval: REFRESH_MS,
  });

  const figures = status.data;
  return (
    <AppShell title="Sync dashboard">
      <section aria-labelledby="sync-status-title">
        <h2 id="sync-status-title">Sync status</h2>
        {status.isPending && <Loading what="Loading the sync status" />}
        {status.isError && <ErrorNotice error={status.error} action="The sync status could not be loaded" />}
        {figures && (
          <>
            <dl className="figures">
              <Figure term="Queued" value={figures.totalQueued.toLocaleString()} />
              <Figure term="Processing" value={figures.processing.toLocaleString()} />
              <Figure term="Completed (24 h)" value={figures.completed.toLocaleString()} />
              <Figure term="Failed (24 h)" value={figures.failed.toLocaleString()} />
              <Figure term="Conflicts" value={figures.conflicts.toLocaleString()} />
              <Figure term="Success rate" value={`${figures.successRate}%`} />
              <Figure term="Average sync time" value={formatDuration(figures.avgSyncTime)} />
              <Figure term="Last sync" value={formatDateTime(figures.lastSyncAt)} />
              <Figure term="Next sync" value={formatDateTime(figures.nextSyncAt)} />
              <Figure term="Health" value={`${HEALTH_ICON[figures.health]} ${HEALTH_TEXT[figures.health]}`} />
            </dl>
            {figures.healthReasons && figures.healthReasons.length > 0 && (
              <ul className="reasons" aria-label="Why the health is not healthy">
                {figures.healthReasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
      <section aria-labelledby="chart-title">
        <h2 id="chart-title">Sends per minute</h2>
        {timeline.isPending && <Loading what="Loading the last hour" />}
        {timeline.isError && <ErrorNotice error={timeline.error} action="The last hour could not be loaded" />}
        {timeline.data && <MinuteChart minutes={timeline.data.minutes} />}
      </section>
      <section aria-labelledby="server-title">
        <h2 id="server-title">PEMS server</h2>
        {server.isPending && <Loading what="Loading the PEMS server's state" />}
        {server.isError && <ErrorNotice error={server.error} action="The PEMS server's state could not be loaded" />}
        {server.data && <ServerStateView state={server.data} />}
      </section>
    </AppShell>
  );
}
