import { DataSource } from 'typeorm';
import { ThreadedPemsSimulator } from './threaded-simulator';
import { expectWithinRateLimit } from './pems-simulator-fixture';

/**
 * SPEC §9's promises after a fault: every queued modification ended synced, conflict or
 * failed (failed ones with their reason), nothing is left processing, no conflict was
 * recorded (nobody changed PEMS, so any conflict is false), synced values are in PEMS, and
 * PEMS never saw more than its limit in a second nor refused a request for the rate.
 */
export async function expectNothingLost(dataSource: DataSource, simulator: ThreadedPemsSimulator, organizationCode: string, limit = 10): Promise<void> {
  const modifications: Array<{ id: string; status: string; sync_error: string | null; changes: Record<string, unknown>; pfa_id: string }> = await dataSource.query(
    `SELECT m.id, m.status, m.sync_error, m.changes, r.pfa_id FROM pfa_modification m JOIN pfa_records r ON r.id = m.record_id`,
  );
  expect(modifications.length).toBeGreaterThan(0);
  expect(modifications.filter((m) => !['synced', 'conflict', 'failed'].includes(m.status))).toEqual([]);
  expect(modifications.filter((m) => m.status === 'failed' && !m.sync_error)).toEqual([]);
  expect(modifications.filter((m) => m.status === 'conflict')).toEqual([]);
  for (const synced of modifications.filter((m) => m.status === 'synced')) {
    const stored = simulator.getRecord(organizationCode, synced.pfa_id)!;
    for (const [field, value] of Object.entries(synced.changes))
      expect({ pfaId: synced.pfa_id, field, value: stored.data[field as never] }).toEqual({ pfaId: synced.pfa_id, field, value });
  }
  const [{ processing }] = await dataSource.query(`SELECT count(*)::int AS processing FROM pfa_write_queue WHERE status = 'processing'`);
  expect(processing).toBe(0);
  const [{ conflicts }] = await dataSource.query(`SELECT count(*)::int AS conflicts FROM pfa_sync_conflict`);
  expect(conflicts).toBe(0);

  const log = simulator.getLog();
  expectWithinRateLimit(log, limit, 'the drain');
  expect(log.filter((entry) => entry.status === 429 && entry.fault === null)).toEqual([]);
}
