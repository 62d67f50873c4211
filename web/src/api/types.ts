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

export type Conflict = WithValues<Schemas['ConflictDto'], 'localData' | 'pemsData' | 'baseData' | 'appliedChanges' | 'mergedData'>;
export type ConflictResolution = NonNullable<Conflict['resolution']>;
export type ConflictList = Omit<Schemas['ConflictListDto'], 'conflicts'> & { conflicts: Conflict[] };
export type ResolveAnswer = WithValues<Schemas['ResolveConflictResponseDto'], 'appliedChanges'>;
export type ResolutionCheck = Omit<Schemas['CheckResolutionResponseDto'], 'appliedChanges' | 'errors'> & { appliedChanges: PfaValues | null; errors: FieldError[] };
export type BulkResolveAnswer = Schemas['BulkResolveConflictsResponseDto'];
export type RestorePreview = Schemas['RestorePreviewDto'];

export type AppNotification = Schemas['NotificationDto'];
export type NotificationPage = Schemas['NotificationPageDto'];
