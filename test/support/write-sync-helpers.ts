import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
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
    const rows = await dataSource.getRepository(PfaModification).findByIds(ids);
    if (rows.length === ids.length && rows.every((row) => statuses.includes(row.status))) return rows;
    if (Date.now() > deadline) {
      throw new Error(`Modifications did not reach ${statuses.join('/')} in ${timeoutMs} ms: ${rows.map((row) => `${row.id}=${row.status}`).join(', ')}`);
    }
    await sleep(100);
  }
}
