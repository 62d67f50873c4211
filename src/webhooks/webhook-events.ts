/** The events an organization's webhook may take (docs/webhooks.md). */
export const WEBHOOK_EVENTS = ['conflict.created', 'sync.failed', 'credentials.rejected'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What each event's `data` holds: ids to look things up by, and what a person needs to know at once. */
export interface WebhookEventData {
  'conflict.created': { conflictId: string; modificationId: string; queueItemId: string; pfaId: string; conflictFields: string[] };
  'sync.failed': { modificationId: string; queueItemId: string; pfaId: string; error: string; statusCode: number | null };
  'credentials.rejected': { apiServerId: string; error: string };
}

/** One event of an organization, to be delivered to its webhook if it takes that event. */
export type WebhookEventOf<E extends WebhookEvent = WebhookEvent> = E extends WebhookEvent ? { organizationId: string; event: E; data: WebhookEventData[E] } : never;
