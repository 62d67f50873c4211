import type { QueryClient, QueryKey } from '@tanstack/react-query';

/** Marks every query under these keys stale, so that the ones on screen fetch again. */
export function refreshQueries(queryClient: QueryClient, ...roots: QueryKey[]): void {
  for (const queryKey of roots) void queryClient.invalidateQueries({ queryKey });
}
