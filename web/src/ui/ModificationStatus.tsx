import type { ModificationStatus as Status } from '../api/types';
import { SyncBadge } from './SyncBadge';

/** A modification's status with the same icons and words as a record's sync state; a discarded edit says so. */
export function ModificationStatus({ status, at, error }: { status: Status; at?: string | null; error?: string | null }) {
  if (status === 'discarded') return <span className="sync-badge sync-discarded">Discarded</span>;
  return <SyncBadge state={status === 'pending' ? 'draft' : status} at={at} error={error} />;
}
