import * as Tooltip from '@radix-ui/react-tooltip';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Redirect, Route, Switch } from 'wouter';
import { ApiError } from './api/client';
import { Loading } from './ui/feedback';
import { LiveUpdates } from './live/live-updates';
import { AuditPage } from './audit/AuditPage';
import { ConflictsPage } from './conflicts/ConflictsPage';
import { DashboardPage } from './sync/DashboardPage';
import { LoginPage } from './session/LoginPage';
import { MyEditsPage } from './records/MyEditsPage';
import { QueuePage } from './queue/QueuePage';
import { RecordDetailPage } from './records/RecordDetailPage';
import { RecordsPage } from './records/RecordsPage';
import { SessionProvider } from './session/session';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live events say when data changed; a refetch on focus covers a tab that was away.
        staleTime: 10_000,
        refetchOnWindowFocus: true,
        // A 4xx will not get better by asking again.
        retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}

function NotFound() {
  return (
    <main className="centered">
      <h1>Page not found</h1>
      <p>
        <a href="/records">Go to the records</a>
      </p>
    </main>
  );
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <Tooltip.Provider delayDuration={300}>
        <Switch>
          <Route path="/login" component={LoginPage} />
          <Route>
            <SessionProvider fallback={<Loading what="Signing in" />}>
              <LiveUpdates>
                <Switch>
                  <Route path="/">
                    <Redirect to="/records" replace />
                  </Route>
                  <Route path="/records" component={RecordsPage} />
                  <Route path="/records/:id">{(params) => <RecordDetailPage key={params.id} id={params.id} />}</Route>
                  <Route path="/my-edits" component={MyEditsPage} />
                  <Route path="/dashboard" component={DashboardPage} />
                  <Route path="/queue" component={QueuePage} />
                  <Route path="/conflicts" component={ConflictsPage} />
                  <Route path="/audit" component={AuditPage} />
                  <Route component={NotFound} />
                </Switch>
              </LiveUpdates>
            </SessionProvider>
          </Route>
        </Switch>
      </Tooltip.Provider>
    </QueryClientProvider>
  );
}
