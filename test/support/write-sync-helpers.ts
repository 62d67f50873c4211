import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, In } from 'typeorm';
import { ModificationStatus, PfaModification } from '../../src/pfa/entities/pfa-modification.entity';

/** Waits until every listed modification has one of `statuses` (default: a final one), or fails after `timeoutMs`. */
export async function waitForModifications(
  dataSource: DataSource,
  ids: string[],
  statuses: ModificationStatus[] = ['synced', 'conflict', 'failed'],
  timeoutMs = 30_000,
): Promise<PfaModification[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A test that cuts the database's connections sees a failed query or two: keep polling.
    const rows = await dataSource
      .getRepository(PfaModification)
      .findBy({ id: In(ids) })
      .catch(() => [] as PfaModification[]);
    if (rows.length === ids.length && rows.every((row) => statuses.includes(row.status))) return rows;
    if (Date.now() > deadline) {
      throw new Error(`Modifications did not reach ${statuses.join('/')} in ${timeoutMs} ms: ${rows.map((row) => `${row.id}=${row.status}`).join(', ')}`);
    }
    await sleep(100);
  }
}
