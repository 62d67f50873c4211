import { DataSource } from 'typeorm';

/**
 * Deletes the rows of `table` that match `where` (SQL over the table's own columns, `$1` being
 * `days`), at most `batchSize` per statement, until none is left: no statement holds its locks
 * for long, and rows another transaction holds are left for the next time (SKIP LOCKED).
 * Answers how many rows went. For retention, whose rules are the callers' (write-sync worker).
 */
export async function deleteInBatches(dataSource: DataSource, table: string, where: string, days: number, batchSize: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const [{ count }]: Array<{ count: number }> = await dataSource.query(
      `WITH doomed AS (
         SELECT id FROM ${table} WHERE ${where} LIMIT $2 FOR UPDATE SKIP LOCKED
       ), deleted AS (DELETE FROM ${table} WHERE id IN (SELECT id FROM doomed) RETURNING 1)
       SELECT count(*)::int AS count FROM deleted`,
      [days, batchSize],
    );
    deleted += count;
    if (count < batchSize) return deleted;
  }
}
