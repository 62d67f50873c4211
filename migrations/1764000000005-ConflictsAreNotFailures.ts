import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version conflict is a decision for a person, not a sync failure: GET
 * /api/pems/sync-status's `failed` and `successRate` leave out queue items that ended
 * `failed` with `VERSION_CONFLICT` (the item itself stays so). The per-minute counts of
 * WriteSyncMinutes1764000000003 therefore stop counting those items as failed.
 *
 * The trigger functions are replaced, not the triggers. Each statement still adds the new
 * rows and takes away the old ones with one predicate, so an item that moves between
 * counted and not counted (its last_error changed, a conflict item retried into a failure)
 * is taken away under the predicate it met before and added under the one it meets after.
 *
 * The minutes of the last 25 hours (all the triggers ever adjust) are then counted again
 * from the queue under the new predicate; `down` does the same under the old one, so the
 * counts never hold an item the triggers would not take away. The queue is locked against
 * writes meanwhile, so no item finishes uncounted or counted the old way in between.
 */

/** As in WriteSyncMinutes1764000000003 (a migration keeps its own copy). */
const SHARDS = 8;

/** A finished item that counts as failed, before and after this migration. */
const FAILED_BEFORE = `status = 'failed'`;
const FAILED_AFTER = `status = 'failed' AND last_error IS DISTINCT FROM 'VERSION_CONFLICT'`;

export class ConflictsAreNotFailures1764000000005 implements MigrationInterface {
  name = 'ConflictsAreNotFailures1764000000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await countFailuresAs(queryRunner, FAILED_AFTER);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await countFailuresAs(queryRunner, FAILED_BEFORE);
  }
}

async function countFailuresAs(queryRunner: QueryRunner, failed: string): Promise<void> {
  await queryRunner.query(`LOCK TABLE pfa_write_queue IN SHARE ROW EXCLUSIVE MODE`);
  const counted = `(status = 'completed' OR (${failed}))`;
  // A function per event: a statement's transition tables exist only for its own event.
  for (const [operation, source] of [
    ['insert', `SELECT organization_id, status, last_error, completed_at, created_at, 1 AS sign FROM new_rows`],
    [
      'update',
      `SELECT organization_id, status, last_error, completed_at, created_at, 1 AS sign FROM new_rows
       UNION ALL SELECT organization_id, status, last_error, completed_at, created_at, -1 FROM old_rows`,
    ],
    ['delete', `SELECT organization_id, status, last_error, completed_at, created_at, -1 AS sign FROM old_rows`],
  ]) {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION pfa_write_sync_minutes_on_${operation}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO pfa_write_sync_minutes AS minutes (organization_id, minute, shard, completed, failed, completed_ms)
        SELECT organization_id, date_trunc('minute', completed_at), pg_backend_pid() % ${SHARDS},
               coalesce(sum(sign) FILTER (WHERE status = 'completed'), 0),
               coalesce(sum(sign) FILTER (WHERE ${failed}), 0),
               coalesce(sum(sign * EXTRACT(EPOCH FROM completed_at - created_at) * 1000) FILTER (WHERE status = 'completed'), 0)
        FROM (${source}) changed
        WHERE ${counted} AND completed_at > now() - interval '25 hours'
        GROUP BY organization_id, date_trunc('minute', completed_at)
        ON CONFLICT (organization_id, minute, shard) DO UPDATE SET
          completed = minutes.completed + EXCLUDED.completed,
          failed = minutes.failed + EXCLUDED.failed,
          completed_ms = minutes.completed_ms + EXCLUDED.completed_ms;
        RETURN NULL;
      END $$`);
  }
  // Whole minutes from the one 25 hours ago on: each is counted again from every item that finished in it.
  await queryRunner.query(`DELETE FROM pfa_write_sync_minutes WHERE minute >= date_trunc('minute', now() - interval '25 hours')`);
  await queryRunner.query(`
    INSERT INTO pfa_write_sync_minutes (organization_id, minute, completed, failed, completed_ms)
    SELECT organization_id, date_trunc('minute', completed_at),
           count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE ${failed}),
           coalesce(sum(EXTRACT(EPOCH FROM completed_at - created_at) * 1000) FILTER (WHERE status = 'completed'), 0)
    FROM pfa_write_queue
    WHERE ${counted} AND completed_at >= date_trunc('minute', now() - interval '25 hours')
    GROUP BY 1, 2`);
}
