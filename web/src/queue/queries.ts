/** The queue feature's query keys. */
export const queueKeys = {
  all: ['queue'] as const,
  list: (organizationId: string, filter: Record<string, string | undefined>, page: number) => ['queue', 'list', organizationId, filter, page] as const,
  item: (id: string) => ['queue', 'item', id] as const,
};
