/** The conflicts feature's query keys. */
export const conflictKeys = {
  all: ['conflicts'] as const,
  list: (organizationId: string, filter: Record<string, string | undefined>, page: number) => ['conflicts', 'list', organizationId, filter, page] as const,
  unresolvedCount: (organizationId: string) => ['conflicts', 'unresolved-count', organizationId] as const,
  detail: (id: string) => ['conflicts', 'detail', id] as const,
};
