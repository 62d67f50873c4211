/** The audit feature's query keys. */
export const auditKeys = {
  all: ['audit'] as const,
  list: (organizationId: string, action: string, page: number) => ['audit', 'list', organizationId, action, page] as const,
};
