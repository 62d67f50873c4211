import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';

/** Shown only when loading takes longer than this: a fast answer does not flash a spinner. */
export const LOADING_DELAY_MS = 200;

/** "Loading…" after 200 ms, announced politely to screen readers. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setShown(true), LOADING_DELAY_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <p className="loading" role="status" aria-live="polite">
      {shown ? `${what}…` : ''}
    </p>
  );
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'You do not have the permission for this in this organization.';
    if (error.status === 404) return 'Not found: it does not exist, or it is not in this organization.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNotice({ error, action }: { error: unknown; action?: string }) {
  return (
    <p className="error" role="alert">
      {action ? `${action}: ` : ''}
      {errorText(error)}
    </p>
  );
}

/** Page n of m, with Previous and Next; the buttons say which page they go to. */
export function Pager({ page, pageSize, total, onPage, label }: { page: number; pageSize: number; total: number; onPage(page: number): void; label: string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous page
      </button>
      <span>{`Page ${page} of ${pages} (${total.toLocaleString()} in all)`}</span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages}>
        Next page
      </button>
    </nav>
  );
}

/** A button the user may not use is shown disabled, with the reason as its description. */
export function reasonId(name: string): string {
  return `reason-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
}
