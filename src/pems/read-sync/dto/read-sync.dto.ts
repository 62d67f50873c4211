import { IsUUID } from 'class-validator';

export class ReadSyncRequestDto {
  @IsUUID()
  organizationId: string;
}

export class ReadSyncReportDto {
  organizationId: string;
  /** Records new to the mirror. */
  created: number;
  /** Records whose PEMS version moved on (each leaves a history snapshot). */
  updated: number;
  /** Records PEMS holds at the version the mirror has. */
  unchanged: number;
  /** Records the mirror had that PEMS no longer lists (marked deletedInPemsAt, kept with their history). */
  markedDeleted: number;
  pages: number;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
}
