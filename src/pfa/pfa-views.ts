import { PfaModification } from './entities/pfa-modification.entity';
import { PfaRecord } from './entities/pfa-record.entity';
import { ModificationDto, PfaRecordDto } from './dto/pfa-record.dto';
import { ModificationStatus } from './entities/pfa-modification.entity';
import { changedFields, effectiveData, syncStateOf } from './effective-record';

/** A record's latest non-discarded modification, as much as its row in a list needs. */
export interface LatestEdit {
  status: ModificationStatus;
  at: Date;
  error: string | null;
}

/** A mirror record as the API shows it, given its live modifications and its latest edit. */
export function toPfaRecordDto(record: PfaRecord, liveModifications: PfaModification[], latestEdit?: LatestEdit): PfaRecordDto {
  const values = effectiveData(record.data, liveModifications);
  return {
    id: record.id,
    organizationId: record.organizationId,
    pfaId: record.pfaId,
    version: record.version,
    values,
    pemsValues: record.data,
    changedFields: changedFields(record.data, values),
    syncState: syncStateOf(
      liveModifications.map((modification) => modification.status),
      latestEdit?.status,
    ),
    lastSyncedAt: record.lastSyncedAt,
    lastEditAt: latestEdit?.at ?? null,
    lastEditError: latestEdit?.status === 'failed' ? latestEdit.error : null,
    deletedInPemsAt: record.deletedInPemsAt,
    updatedAt: record.updatedAt,
  };
}

export function toModificationDto(modification: PfaModification, pfaId: string): ModificationDto {
  return {
    id: modification.id,
    organizationId: modification.organizationId,
    recordId: modification.recordId,
    pfaId,
    userId: modification.userId,
    username: modification.user?.username ?? null,
    changes: modification.changes,
    baseValues: modification.baseValues,
    baseVersion: modification.baseVersion,
    changeReason: modification.changeReason,
    status: modification.status,
    syncedAt: modification.syncedAt,
    syncError: modification.syncError,
    createdAt: modification.createdAt,
    updatedAt: modification.updatedAt,
  };
}
