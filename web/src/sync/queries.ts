/** The sync feature's query keys: the figures, the last hour, the PEMS server's state. */
export const syncKeys = {
  all: ['sync'] as const,
  status: (organizationId: string) => ['sync', 'status', organizationId] as const,
  timeline: (organizationId: string) => ['sync', 'timeline', organizationId] as const,
  server: (organizationId: string) => ['sync', 'server', organizationId] as const,
};
