export const SYNC_EVENT_TYPES = ['sync.processing', 'sync.completed', 'sync.failed', 'conflict.created', 'conflict.resolved'] as const;
export type SyncEventType = (typeof SYNC_EVENT_TYPES)[number];

/** What happened to one modification or conflict; small, so that it fits a NOTIFY payload. */
export interface SyncEvent {
  type: SyncEventType;
  organizationId: string;
  at: string;
  modificationId?: string;
  queueItemId?: string;
  conflictId?: string;
  pfaId?: string;
  /** e.g. the error of a failed item, the resolution of a conflict. */
  detail?: string;
}
