import { useCallback } from 'react';
import { useSearchParams } from 'wouter';

/**
 * A page's view (search, filters, sort, page) kept in the address's query string, so that the
 * back button, a reload and the return after signing in show the same view.
 */
export function useUrlState<K extends string>(defaults: Record<K, string>): [Record<K, string>, (changes: Partial<Record<K, string>>) => void] {
  const [params, setParams] = useSearchParams();
  const state = {} as Record<K, string>;
  for (const key of Object.keys(defaults) as K[]) state[key] = params.get(key) ?? defaults[key];
  const update = useCallback(
    (changes: Partial<Record<K, string>>) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes) as Array<[K, string | undefined]>) {
            if (value === undefined || value === '' || value === defaults[key]) next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: true },
      );
    },
    // The defaults are a literal per page: the same values on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [setParams],
  );
  return [state, update];
}
