/** The records feature's query keys: every key starts with its feature's root, so a root refreshes all of them. */
export const recordKeys = {
  all: ['records'] as const,
  list: (organizationId: string, view: Record<string, string | number>) => ['records', 'list', organizationId, view] as const,
  detail: (id: string) => ['records', 'detail', id] as const,
};

export const modificationKeys = {
  all: ['modifications'] as const,
  myUnsynced: (organizationId: string, page: number) => ['modifications', 'my-unsynced', organizationId, page] as const,
};
