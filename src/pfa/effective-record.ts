import { applyChanges } from '../validation/apply-changes';
import { PfaData, pfaValuesEqual } from '../validation/pfa-fields';
import { ModificationStatus, PfaModification, UNSYNCED_MODIFICATION_STATUSES } from './entities/pfa-modification.entity';
import { SyncState } from './dto/pfa-record.dto';

/** The effective record: the mirror with each unsynced modification applied, oldest first. */
export function effectiveData(mirror: PfaData, modifications: PfaModification[]): PfaData {
  return [...modifications]
    .filter((modification) => UNSYNCED_MODIFICATION_STATUSES.includes(modification.status))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .reduce((data, modification) => applyChanges(data, modification.changes), mirror);
}

export function changedFields(mirror: PfaData, effective: PfaData): string[] {
  return Object.keys(effective).filter((field) => !pfaValuesEqual(mirror[field as keyof PfaData], effective[field as keyof PfaData]));
}

const STATE_PRECEDENCE: SyncState[] = ['conflict', 'syncing', 'queued', 'pending'];

/**
 * One word for where a record stands: the most pressing live state of its modifications,
 * else `failed` when its latest modification failed, else `synced`.
 */
export function syncStateOf(liveStatuses: ModificationStatus[], latestStatus: ModificationStatus | undefined): SyncState {
  const live = STATE_PRECEDENCE.find((state) => liveStatuses.includes(state as ModificationStatus));
  if (live) return live;
  return latestStatus === 'failed' ? 'failed' : 'synced';
}
