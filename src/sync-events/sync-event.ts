type SyncEventType = 'sync.processing' | 'sync.completed' | 'sync.failed' | 'conflict.created' | 'conflict.resolved';

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
