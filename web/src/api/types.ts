/** The API's shapes the console reads (see /api/docs for the full OpenAPI document). */

export type Permission = 'perm_Read' | 'perm_Edit' | 'perm_Sync' | 'perm_Admin';

export interface Membership {
  organizationId: string;
  code: string;
  name: string;
  permissions: Permission[];
}

export interface Me {
  id: string;
  username: string;
  email: string;
  isSuperadmin: boolean;
  organizations: Membership[];
}

export interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export type PfaValues = Record<string, string | number | boolean | null | undefined>;

/** The API's sync state of a record; `pending` is an unsent edit, shown as "draft". */
export type ApiSyncState = 'synced' | 'pending' | 'queued' | 'syncing' | 'conflict' | 'failed';

export interface PfaRecord {
  id: string;
  organizationId: string;
  pfaId: string;
  version: number;
  values: PfaValues;
  pemsValues: PfaValues;
  changedFields: string[];
  syncState: ApiSyncState;
  lastSyncedAt: string | null;
  lastEditAt: string | null;
  lastEditError: string | null;
  deletedInPemsAt: string | null;
  updatedAt: string;
}

export type ModificationStatus = 'pending' | 'queued' | 'syncing' | 'synced' | 'conflict' | 'failed' | 'discarded';

export interface Modification {
  id: string;
  organizationId: string;
  recordId: string;
  pfaId: string;
  userId: string;
  username: string | null;
  changes: PfaValues;
  baseValues: PfaValues;
  baseVersion: number;
  changeReason: string | null;
  status: ModificationStatus;
  syncedAt: string | null;
  syncError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  version: number;
  data: PfaValues;
  source: string;
  createdAt: string;
}

export interface PfaRecordDetail extends PfaRecord {
  modifications: Modification[];
  history: HistoryEntry[];
}

export interface WriteSyncAnswer {
  success: boolean;
  jobId: string | null;
  queuedCount: number;
  estimatedCompletionTime: string;
}

export type QueueStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface QueueItem {
  id: string;
  modificationId: string;
  organizationId: string;
  pfaId: string;
  operation: string;
  status: QueueStatus;
  priority: number;
  retryCount: number;
  maxRetries: number;
  scheduledAt: string;
  lastAttemptAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  completedAt: string | null;
  jobId: string | null;
  createdAt: string;
  changes: PfaValues;
  baseVersion: number;
}

export interface QueueItemDetail extends QueueItem {
  attempts: number;
  nextAttemptAt: string | null;
  lockedUntil: string | null;
  modification: { id: string; status: ModificationStatus; changeReason: string | null; username: string | null } | null;
}

export interface BatchAnswer {
  retriedCount?: number;
  cancelledCount?: number;
  skipped: Array<{ id: string; reason: string }>;
}

export interface SyncStatus {
  totalQueued: number;
  processing: number;
  completed: number;
  failed: number;
  avgSyncTime: number | null;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  health: 'healthy' | 'degraded' | 'unhealthy';
  successRate: number;
  conflicts: number;
  healthReasons?: string[];
}

export interface TimelineMinute {
  minute: string;
  completed: number;
  failed: number;
  conflicts: number;
  queueDepth: number;
}

export interface ServerState {
  configured: boolean;
  name: string | null;
  baseUrl: string | null;
  tenant: string | null;
  writeEnabled: boolean | null;
  isActive: boolean | null;
  rateLimitPerSecond: number | null;
  sentLastMinute: number | null;
  usedPerSecondNow: number | null;
  credentialsPaused: { since: string | null; until: string | null; message: string | null } | null;
  writesPaused: { at: string; by: { id: string; username: string } | null; reason: string } | null;
  retryAfterUntil: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  user: { id: string | null; username: string };
  organizationId: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export type ConflictResolution = 'use_local' | 'use_pems' | 'merge';

export interface Conflict {
  id: string;
  pfaId: string;
  recordId: string;
  modificationId: string;
  localVersion: number;
  pemsVersion: number;
  conflictFields: string[];
  localData: PfaValues;
  pemsData: PfaValues;
  baseData: PfaValues;
  /** Fields PEMS changed that the edit did not touch: shown as information. */
  pemsOnlyChanges: Array<{ field: string; base: unknown; pems: unknown }>;
  status: 'unresolved' | 'resolved';
  createdAt: string;
  modifiedBy: { username: string; email: string } | null;
  resolution: ConflictResolution | null;
  resolvedAt: string | null;
  resolvedBy: { id: string; username: string } | null;
  appliedChanges: PfaValues | null;
  mergedData: PfaValues | null;
}

export interface ConflictList {
  conflicts: Conflict[];
  total: number;
}

export interface ResolveAnswer {
  success: boolean;
  conflictId: string;
  resolvedAt: string;
  appliedChanges: PfaValues | null;
}

export interface ResolutionCheck {
  valid: boolean;
  errors: FieldError[];
  appliedChanges: PfaValues | null;
}

export interface BulkResolveAnswer {
  resolvedCount: number;
  results: Array<{
    conflictId: string;
    pfaId: string;
    outcome: 'resolved' | 'already_resolved' | 'invalid' | 'not_found';
    appliedChanges?: PfaValues | null;
    errors?: FieldError[];
  }>;
}

export interface RestorePreview {
  recordId: string;
  pfaId: string;
  version: number;
  seenAt: string;
  changes: Array<{ field: string; current: unknown; restored: unknown }>;
}

export interface AppNotification {
  id: string;
  kind: string;
  organizationId: string;
  pfaId: string | null;
  recordId: string | null;
  modificationId: string | null;
  conflictId: string | null;
  text: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage extends Page<AppNotification> {
  unreadCount: number;
}
