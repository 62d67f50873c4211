import { IsBoolean, IsOptional, IsUUID } from 'class-validator';

export class ReadSyncRequestDto {
  @IsUUID()
  organizationId: string;

  /**
   * Mark the records PEMS no longer lists as deleted even when they are more than
   * PEMS_READ_SYNC_MAX_DELETE_PERCENT of the organization's records. Send it after checking,
   * in PEMS, that a sync's `deletionsWithheld` records are really gone.
   */
  @IsOptional()
  @IsBoolean()
  confirmDeletions?: boolean;
}

export class SkippedRecordDto {
  /** The record's pfaId as PEMS sent it, control characters escaped. */
  pfaId: string;
  /** The field that holds the text, e.g. "data.category". */
  field: string;
}

export class ReadSyncReportDto {
  organizationId: string;
  /** Records new to the mirror. */
  created: number;
  /** Records whose PEMS version moved on (each leaves a history snapshot). */
  updated: number;
  /** Records PEMS holds at the version the mirror has. */
  unchanged: number;
  /** Records the mirror had that PEMS no longer lists, marked deletedInPemsAt by this sync (kept with their history). */
  markedDeleted: number;
  /**
   * Records PEMS no longer lists that this sync did not mark, because they are more than
   * PEMS_READ_SYNC_MAX_DELETE_PERCENT of the organization's records and `confirmDeletions`
   * was not sent; 0 when nothing was withheld.
   */
  deletionsWithheld: number;
  /**
   * Records PEMS sent with text no record may hold (a NUL character, an unpaired surrogate), by
   * id (escaped) and field: not mirrored, not marked deleted; the rest of the sync went on.
   */
  skipped: SkippedRecordDto[];
  /** What was withheld and how to proceed; null when nothing was. */
  warning: string | null;
  pages: number;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
}
