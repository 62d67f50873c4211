import { useEffect, useRef, type ReactNode } from 'react';
import { Link, useLocation, useRoute } from 'wouter';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ConflictList } from '../api/types';
import { conflictKeys } from '../conflicts/queries';
import { useLiveState } from '../live/live-updates';
import { NotificationBell, NotificationToasts } from '../notifications/Notifications';
import { useSession } from '../session/session';

const LIVE_TEXT = { connecting: 'Connecting live updates…', live: 'Live', paused: 'Live updates paused (tab hidden)', reconnecting: 'Reconnecting live updates…' } as const;

/** The path the last page was shown at: a page shown at another path is a navigation. */
let shownPath: string | null = null;

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const [active] = useRoute(`${href}/*?`);
  return (
    <Link href={href} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** The frame of every signed-in page: the product, the organization, the user, the navigation. */
export function AppShell({ title, children }: { title: string; children: ReactNode }) {
  const { me, organization, chooseOrganization, can, signOut } = useSession();
  const live = useLiveState();
  // The count of unresolved conflicts, on every page (live events and a 30 s refresh keep it current).
  const unresolved = useQuery({
    queryKey: conflictKeys.unresolvedCount(organization.organizationId),
    queryFn: ({ signal }) => api.get<ConflictList>('/pems/conflicts', { organizationId: organization.organizationId, status: 'unresolved', page: 1, pageSize: 1 }, signal),
    refetchInterval: 30_000,
    select: (list) => list.total,
  });
  const [path] = useLocation();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    document.title = `${title} · pems-sync`;
  }, [title]);

  // After a navigation inside the console, the focus goes to the new page's content (as a page
  // load would put it at the top), so that a keyboard or screen reader user starts there.
  useEffect(() => {
    if (shownPath !== null && shownPath !== path) mainRef.current?.focus();
    shownPath = path;
  }, [path]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">pems-sync</span>
        {me.organizations.length > 1 ? (
          <span className="org-switcher">
            <label htmlFor="organization">Organization</label>
            <select id="organization" value={organization.organizationId} onChange={(event) => chooseOrganization(event.target.value)}>
              {me.organizations.map((membership) => (
                <option key={membership.organizationId} value={membership.organizationId}>
                  {`${membership.name} (${membership.code})`}
                </option>
              ))}
            </select>
          </span>
        ) : (
          <span className="org-name">{`${organization.name} (${organization.code})`}</span>
        )}
        <span className={`live live-${live}`} role="status">
          {LIVE_TEXT[live]}
        </span>
        <NotificationBell />
        <span className="user">{me.username}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav className="mainnav" aria-label="Main">
        <NavLink href="/records">Records</NavLink>
        <NavLink href="/my-edits">My edits</NavLink>
        <NavLink href="/dashboard">Dashboard</NavLink>
        <NavLink href="/queue">Queue</NavLink>
        <NavLink href="/conflicts">{unresolved.data ? `Conflicts (${unresolved.data} unresolved)` : 'Conflicts'}</NavLink>
        {can('perm_Admin') && <NavLink href="/audit">Audit</NavLink>}
      </nav>
      <NotificationToasts />
      <main id="main" tabIndex={-1} ref={mainRef}>
        <h1>{title}</h1>
        {children}
      </main>
    </>
  );
}
