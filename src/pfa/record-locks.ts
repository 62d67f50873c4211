import { EntityManager } from 'typeorm';

/**
 * Row locks on mirror records, always taken first and in one order (organization, then pfaId
 * by its bytes, COLLATE "C", the order PfaMirrorService writes a batch in).
 *
 * Lock order, everywhere (docs/write-sync.md): records, then queue items, then modifications,
 * then conflicts. An edit, a discard, queueing, a cancel, a retry, a resolution and a
 * completion of one record therefore take turns on its record row, and no two of them can
 * deadlock. The claim takes no record lock: it locks items (SKIP LOCKED, so it never waits for
 * one) and then their modifications.
 */
export async function lockRecordsById(manager: EntityManager, recordIds: string[]): Promise<void> {
  if (recordIds.length === 0) return;
  await manager.query(`SELECT 1 FROM pfa_records WHERE id = ANY($1::uuid[]) ORDER BY organization_id, pfa_id COLLATE "C" FOR UPDATE`, [[...new Set(recordIds)]]);
}

/** The same, for records named by organization and pfaId (queue items and conflicts carry those). */
export async function lockRecordsByKey(manager: EntityManager, keys: Array<{ organizationId: string; pfaId: string }>): Promise<void> {
  if (keys.length === 0) return;
  await manager.query(
    `SELECT 1 FROM pfa_records r JOIN unnest($1::uuid[], $2::text[]) AS wanted(organization_id, pfa_id)
       ON r.organization_id = wanted.organization_id AND r.pfa_id = wanted.pfa_id
     ORDER BY r.organization_id, r.pfa_id COLLATE "C" FOR UPDATE OF r`,
    [keys.map((key) => key.organizationId), keys.map((key) => key.pfaId)],
  );
}
