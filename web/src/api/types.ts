/**
 * The API's shapes as the console reads them: generated from the served OpenAPI document
 * (openapi.gen.ts, `npm run openapi:types`; a test fails when it is stale), so the console and
 * the API cannot drift apart. Only what the document cannot say is added here: the PFA value
 * maps (the document has them as free-form objects) and the error body.
 */
import type { components } from './openapi.gen';

type Schemas = components['schemas'];

/** A record's fields by name (SPEC §5): text, numbers, dates as YYYY-MM-DD, booleans. */
export type PfaValues = Record<string, string | number | boolean | null | undefined>;

/** A generated shape with its free-form maps typed as PFA values. */
type WithValues<T, K extends keyof T> = Omit<T, K> & { [P in K]: null extends T[P] ? PfaValues | null : PfaValues };

export type Permission = Schemas['MembershipDto']['permissions'][number];
export type Membership = Schemas['MembershipDto'];
export type Me = Schemas['MeResponseDto'];
export type LoginAnswer = Schemas['LoginResponseDto'];

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** The API's sync state of a record; `pending` is an unsent edit, shown as "draft". */
export type ApiSyncState = Schemas['PfaRecordDto']['syncState'];
export type PfaRecord = WithValues<Schemas['PfaRecordDto'], 'values' | 'pemsValues'>;
export type Modification = WithValues<Schemas['ModificationDto'], 'changes' | 'baseValues'>;
export type ModificationStatus = Modification['status'];
export type HistoryEntry = WithValues<Schemas['PfaHistoryEntryDto'], 'data'>;
export type PfaRecordDetail = PfaRecord & { modifications: Modification[]; history: HistoryEntry[] };
export type WriteSyncAnswer = Schemas['WriteSyncResponseDto'];
export type QueueItem = WithValues<Schemas['QueueItemDto'], 'changes'>;
export type QueueItemDetail = WithValues<Schemas['QueueItemDetailDto'], 'changes'>;
export type BatchAnswer = Partial<Schemas['RetryQueueItemsResponseDto']> & Partial<Schemas['CancelQueueItemsResponseDto']> & { skipped: Schemas['SkippedQueueItemDto'][] };
export type SyncStatus = Schemas['SyncStatusDto'];
export type TimelineMinute = Schemas['SyncTimelineMinuteDto'];
export type ServerState = Schemas['ServerStateDto'];
export type AuditEntry = Schemas['AuditEntryDto'];

/** One refused field of a 400 (the error body is not in the OpenAPI document). */
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
