type SyncEventType =
  'sync.processing' | 'sync.completed' | 'sync.failed' | 'conflict.created' | 'conflict.resolved' | 'server.paused' | 'server.resumed' | 'server.credentials-rejected';

/** What happened to one modification or conflict, or to the organization's PEMS server; small, so that it fits a NOTIFY payload. */
export interface SyncEvent {
  type: SyncEventType;
  organizationId: string;
  at: string;
  modificationId?: string;
  queueItemId?: string;
  conflictId?: string;
  pfaId?: string;
  /** e.g. the error of a failed item, the resolution of a conflict; server.paused: the reason; server.resumed: who resumed; server.credentials-rejected: PEMS's answer. */
  detail?: string;
  /** server.paused and server.resumed: the username of the admin who did it. */
  username?: string;
}
