import { PfaData } from '../../validation/pfa-fields';
import { ModificationStatus } from '../entities/pfa-modification.entity';
import { PfaHistorySource } from '../entities/pfa-record-history.entity';

export const SYNC_STATES = ['synced', 'pending', 'queued', 'syncing', 'conflict', 'failed'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export class PfaRecordDto {
  id: string;
  organizationId: string;
  pfaId: string;
  /** PEMS's recordid of the mirrored data. */
  version: number;
  /** The effective values: the mirror with the unsynced edits applied. */
  values: PfaData;
  /** The values as PEMS last gave them. */
  pemsValues: PfaData;
  /** Fields whose effective value differs from PEMS's. */
  changedFields: string[];
  /** conflict > syncing > queued > pending > failed (the latest edit failed) > synced. */
  syncState: SyncState;
  lastSyncedAt: Date | null;
  /** When the record's latest edit (not discarded) last changed state; null when no one edited it here. */
  lastEditAt: Date | null;
  /** Why the latest edit failed, when its state is `failed`. */
  lastEditError: string | null;
  /** When a read sync stopped finding the record in PEMS; null while PEMS has it. */
  deletedInPemsAt: Date | null;
  updatedAt: Date;
}

export class ModificationDto {
  id: string;
  organizationId: string;
  recordId: string;
  pfaId: string;
  userId: string;
  username: string | null;
  changes: Record<string, unknown>;
  baseValues: Record<string, unknown>;
  baseVersion: number;
  changeReason: string | null;
  status: ModificationStatus;
  syncedAt: Date | null;
  syncError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export class PfaHistoryEntryDto {
  version: number;
  data: PfaData;
  source: PfaHistorySource;
  createdAt: Date;
}

export class PfaRecordDetailDto extends PfaRecordDto {
  /** Newest first, at most 100. */
  modifications: ModificationDto[];
  /** Mirror snapshots, newest first, at most 100. */
  history: PfaHistoryEntryDto[];
}

export class PfaRecordPageDto {
  items: PfaRecordDto[];
  total: number;
  page: number;
  pageSize: number;
}

export class ModificationPageDto {
  items: ModificationDto[];
  total: number;
  page: number;
  pageSize: number;
}
