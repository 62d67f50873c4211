import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import { conflictKeys } from '../conflicts/queries';
import { notificationKeys } from '../notifications/queries';
import { queueKeys } from '../queue/queries';
import { modificationKeys, recordKeys } from '../records/queries';
import { useSession } from '../session/session';
import { syncKeys } from '../sync/queries';
import { EventStream, type StreamState } from './event-stream';

/** Sync events come in bursts (a backlog drains at 10 a second): the pages fetch again at most this often. */
const REFRESH_GATHER_MS = 1_000;

/** The queries a sync event may change; the user's identity and the audit list are not among them. */
const SYNC_AFFECTED = [recordKeys.all, modificationKeys.all, queueKeys.all, syncKeys.all, conflictKeys.all, notificationKeys.all];

const LiveStateContext = createContext<StreamState>('connecting');

export const useLiveState = () => useContext(LiveStateContext);

/**
 * Keeps the signed-in pages live: the organization's event stream is read while the tab is
 * visible, and each event (or the end of a gap) makes the shown queries fetch again, gathered
 * so that a burst costs one round of requests.
 */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const { organization } = useSession();
  const queryClient = useQueryClient();
  const [state, setState] = useState<StreamState>('connecting');

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        refreshQueries(queryClient, ...SYNC_AFFECTED);
      }, REFRESH_GATHER_MS);
    };
    const stream = new EventStream({
      api,
      organizationId: organization.organizationId,
      onEvent: refresh,
      onResume: refresh,
      onState: setState,
    });
    stream.start();
    return () => {
      stream.stop();
      if (timer) clearTimeout(timer);
    };
  }, [organization.organizationId, queryClient]);

  return <LiveStateContext.Provider value={state}>{children}</LiveStateContext.Provider>;
}
