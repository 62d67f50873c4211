import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last 24 hours of GET /api/pems/sync-status, counted per organization and minute as
 * queue items finish, so the status reads at most 1,440 small rows instead of every item
 * finished that day (about 170,000 at a million queue rows took 200 ms).
 *
 * Triggers keep the counts, so every way an item changes (the worker, a retry or cancel by
 * an operator, a conflict's resolution, a test's UPDATE, the retention's DELETE) counts the
 * same way: each statement adds the finished rows it produced and takes away the finished
 * rows it changed or removed. Rows finished more than 25 hours ago no longer matter and are
 * not counted; the worker's hourly retention deletes minutes older than two days.
 *
 * Each minute is split into SHARDS rows, chosen by the writing session, and the reader sums
 * them. With one row per minute, concurrent transactions that finish items (another
 * instance, per-item paths) queued on its row lock until each committed: the pipeline
 * benchmark's per-item baseline fell from about 600 to 300 items/s.
 */
const SHARDS = 8;

export class WriteSyncMinutes1764000000003 implements MigrationInterface {
  name = 'WriteSyncMinutes1764000000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pfa_write_sync_minutes (
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        minute timestamptz NOT NULL,
        shard smallint NOT NULL DEFAULT 0,
        completed integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        -- The sum over the completed items of (completed_at - created_at), for the average sync time.
        completed_ms double precision NOT NULL DEFAULT 0,
        PRIMARY KEY (organization_id, minute, shard)
      )`);
    // A function per event: a statement's transition tables exist only for its own event.
    for (const [operation, source] of [
      ['insert', `SELECT organization_id, status, completed_at, created_at, 1 AS sign FROM new_rows`],
      ['update', `SELECT organization_id, status, completed_at, created_at, 1 AS sign FROM new_rows
                  UNION ALL SELECT organization_id, status, completed_at, created_at, -1 FROM old_rows`],
      ['delete', `SELECT organization_id, status, completed_at, created_at, -1 AS sign FROM old_rows`],
    ]) {
      await queryRunner.query(`
        CREATE FUNCTION pfa_write_sync_minutes_on_${operation}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO pfa_write_sync_minutes AS minutes (organization_id, minute, shard, completed, failed, completed_ms)
          SELECT organization_id, date_trunc('minute', completed_at), pg_backend_pid() % ${SHARDS},
                 coalesce(sum(sign) FILTER (WHERE status = 'completed'), 0),
                 coalesce(sum(sign) FILTER (WHERE status = 'failed'), 0),
                 coalesce(sum(sign * EXTRACT(EPOCH FROM completed_at - created_at) * 1000) FILTER (WHERE status = 'completed'), 0)
          FROM (${source}) changed
          WHERE status IN ('completed', 'failed') AND completed_at > now() - interval '25 hours'
          GROUP BY organization_id, date_trunc('minute', completed_at)
          ON CONFLICT (organization_id, minute, shard) DO UPDATE SET
            completed = minutes.completed + EXCLUDED.completed,
            failed = minutes.failed + EXCLUDED.failed,
            completed_ms = minutes.completed_ms + EXCLUDED.completed_ms;
          RETURN NULL;
        END $$`);
    }
    await queryRunner.query(`
      CREATE TRIGGER pfa_write_sync_minutes_on_insert AFTER INSERT ON pfa_write_queue
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pfa_write_sync_minutes_on_insert()`);
    await queryRunner.query(`
      CREATE TRIGGER pfa_write_sync_minutes_on_update AFTER UPDATE ON pfa_write_queue
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pfa_write_sync_minutes_on_update()`);
    await queryRunner.query(`
      CREATE TRIGGER pfa_write_sync_minutes_on_delete AFTER DELETE ON pfa_write_queue
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pfa_write_sync_minutes_on_delete()`);
    // What is already there.
    await queryRunner.query(`
      INSERT INTO pfa_write_sync_minutes (organization_id, minute, completed, failed, completed_ms)
      SELECT organization_id, date_trunc('minute', completed_at),
             count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'failed'),
             coalesce(sum(EXTRACT(EPOCH FROM completed_at - created_at) * 1000) FILTER (WHERE status = 'completed'), 0)
      FROM pfa_write_queue
      WHERE status IN ('completed', 'failed') AND completed_at > now() - interval '25 hours'
      GROUP BY 1, 2`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const operation of ['insert', 'update', 'delete']) {
      await queryRunner.query(`DROP TRIGGER pfa_write_sync_minutes_on_${operation} ON pfa_write_queue`);
      await queryRunner.query(`DROP FUNCTION pfa_write_sync_minutes_on_${operation}()`);
    }
    await queryRunner.query(`DROP TABLE pfa_write_sync_minutes`);
  }
}
