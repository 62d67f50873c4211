import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { api } from '../api/client';
import type { Me, Membership, Permission } from '../api/types';

export interface Session {
  me: Me;
  /** The organization the console shows; the user picks it when they belong to several. */
  organization: Membership;
  chooseOrganization(organizationId: string): void;
  /** Whether the user holds the permission in the current organization (superadmins hold all). */
  can(permission: Permission): boolean;
  signOut(): void;
}

/** Exported for component tests, which give a page a session without signing in. */
export const SessionContext = createContext<Session | null>(null);

const RETURN_KEY = 'pems-sync.return-to';
const organizationKey = (userId: string) => `pems-sync.organization.${userId}`;

/** Where to go after signing in: the page the user was on when the session ended, else the records. */
export function takeReturnPath(): string {
  const path = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return path && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/login') ? path : '/records';
}

export function rememberReturnPath(path: string): void {
  if (!path.startsWith('/login')) sessionStorage.setItem(RETURN_KEY, path);
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/**
 * Signed-in pages live inside this: it loads the user (GET /api/auth/me), keeps the chosen
 * organization, and sends the user to the login page when there is no token or the API says it
 * no longer holds (401), remembering where they were.
 */
export function SessionProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<string | null>(null);

  useEffect(() => {
    const toLogin = () => {
      rememberReturnPath(window.location.pathname + window.location.search);
      queryClient.clear();
      navigate('/login', { replace: true });
    };
    if (!api.signedIn) toLogin();
    return api.onUnauthorized(toLogin);
  }, [navigate, queryClient]);

  const me = useQuery({ queryKey: ['me'], queryFn: () => api.get<Me>('/auth/me'), enabled: api.signedIn, staleTime: 5 * 60_000 });

  const signOut = useCallback(() => {
    api.setToken(null);
    queryClient.clear();
    navigate('/login');
  }, [navigate, queryClient]);

  const session = useMemo((): Session | null => {
    if (!me.data) return null;
    const user = me.data;
    const stored = chosen ?? localStorage.getItem(organizationKey(user.id));
    const organization = user.organizations.find((membership) => membership.organizationId === stored) ?? user.organizations[0];
    if (!organization) return null;
    return {
      me: user,
      organization,
      chooseOrganization: (organizationId) => {
        localStorage.setItem(organizationKey(user.id), organizationId);
        setChosen(organizationId);
      },
      can: (permission) => user.isSuperadmin || organization.permissions.includes(permission),
      signOut,
    };
  }, [me.data, chosen, signOut]);

  if (!api.signedIn) return null;
  if (me.data && me.data.organizations.length === 0) {
    return (
      <main className="centered">
        <h1>No organization</h1>
        <p>Your account belongs to no organization yet. Ask an administrator to add you to one.</p>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </main>
    );
  }
  if (!session) return <>{me.isError ? <p role="alert">{(me.error as Error).message}</p> : fallback}</>;
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
