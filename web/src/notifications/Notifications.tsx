import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import type { AppNotification, NotificationPage } from '../api/types';
import { ErrorNotice, Loading, errorText } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { Modal } from '../ui/Modal';
import { notificationKeys } from './queries';

/** Besides the live events (which make it fetch again), the list is fetched this often: a notification of another organization than the one shown has no event on this page's stream. */
const REFRESH_MS = 30_000;
/** How long a toast stays, unless dismissed. */
const TOAST_MS = 8_000;
const SHOWN = 30;

/** Where a notification leads: the conflict list, or the record. */
function linkOf(notification: AppNotification): string | null {
  if (notification.conflictId) return '/conflicts';
  if (notification.recordId) return `/records/${notification.recordId}`;
  return null;
}

function useRecentNotifications() {
  return useQuery({
    queryKey: notificationKeys.recent(),
    queryFn: ({ signal }) => api.get<NotificationPage>('/notifications', { page: 1, pageSize: SHOWN }, signal),
    refetchInterval: REFRESH_MS,
  });
}

/**
 * New notifications, as they arrive, in a polite live region: each stays 8 s or until dismissed.
 * The ones there already when the page loaded are not toasted (the bell counts them).
 */
export function NotificationToasts() {
  const recent = useRecentNotifications();
  const seen = useRef<Set<string> | null>(null);
  const [toasts, setToasts] = useState<AppNotification[]>([]);

  useEffect(() => {
    const items = recent.data?.items;
    if (!items) return;
    if (seen.current === null) {
      seen.current = new Set(items.map((item) => item.id));
      return;
    }
    const fresh = items.filter((item) => !seen.current!.has(item.id) && item.readAt === null);
    for (const item of items) seen.current.add(item.id);
    if (fresh.length > 0) setToasts((previous) => [...fresh, ...previous].slice(0, 5));
  }, [recent.data]);

  useEffect(() => {
    if (toasts.length === 0) return;
    const timer = setTimeout(() => setToasts((previous) => previous.slice(0, -1)), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toasts]);

  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className="toast">
          <span>{toast.text}</span>
          <button type="button" aria-label={`Dismiss: ${toast.text}`} onClick={() => setToasts((previous) => previous.filter((other) => other.id !== toast.id))}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** The bell: the unread count, and the list of recent notifications with "mark read". */
export function NotificationBell() {
  const queryClient = useQueryClient();
  const recent = useRecentNotifications();
  const [open, setOpen] = useState(false);
  const bell = useRef<HTMLButtonElement>(null);
  const unread = recent.data?.unreadCount ?? 0;

  const markRead = useMutation({
    mutationFn: (ids: string[] | 'all') => api.post<{ markedCount: number }>('/notifications/read', ids === 'all' ? { all: true } : { ids }),
    onSuccess: () => refreshQueries(queryClient, notificationKeys.all),
  });

  return (
    <>
      <button ref={bell} type="button" className="bell" onClick={() => setOpen(true)}>
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="1.6">
          <path d="M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11z" />
          <path d="M6.5 14a1.5 1.5 0 0 0 3 0" />
        </svg>{' '}
        {unread > 0 ? `Notifications (${unread} unread)` : 'Notifications'}
      </button>
      <Modal open={open} onOpenChange={setOpen} title="Notifications" returnFocus={bell}>
        {recent.isPending && <Loading what="Loading your notifications" />}
        {recent.isError && <ErrorNotice error={recent.error} action="Your notifications could not be loaded" />}
        {recent.data && recent.data.items.length === 0 && <p>Nothing yet: you hear here when your edits reach PEMS, fail or conflict.</p>}
        {recent.data && recent.data.items.length > 0 && (
          <>
            <div className="actions">
              <button type="button" onClick={() => markRead.mutate('all')} disabled={unread === 0 || markRead.isPending}>
                Mark all read
              </button>
            </div>
            {markRead.isError && (
              <p className="error" role="alert">
                {errorText(markRead.error)}
              </p>
            )}
            <ul className="notifications" aria-label="Recent notifications">
              {recent.data.items.map((item) => {
                const link = linkOf(item);
                return (
                  <li key={item.id} className={item.readAt ? 'read' : 'unread'}>
                    <span className="visually-hidden">{item.readAt ? 'Read: ' : 'Unread: '}</span>
                    {link ? (
                      <Link href={link} onClick={() => setOpen(false)}>
                        {item.text}
                      </Link>
                    ) : (
                      <span>{item.text}</span>
                    )}
                    <span className="note">{` ${formatDateTime(item.createdAt)}`}</span>
                    {!item.readAt && (
                      <button type="button" aria-label={`Mark read: ${item.text}`} onClick={() => markRead.mutate([item.id])} disabled={markRead.isPending}>
                        Mark read
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </Modal>
    </>
  );
}
