/** The notifications feature's query keys (the user's own, across organizations). */
export const notificationKeys = {
  all: ['notifications'] as const,
  recent: () => ['notifications', 'recent'] as const,
};
