import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the write-sync worker needs beyond SPEC §4's tables: the queue's insertion order (so
 * a record's edits go out in order), resends after a non-overlapping conflict, a server's
 * credential pause, and the workers' heartbeats.
 */
export class WriteSyncWorker1764000000002 implements MigrationInterface {
  name = 'WriteSyncWorker1764000000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE pfa_write_queue ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`);
    await queryRunner.query(`ALTER TABLE pfa_write_queue ADD COLUMN resend_count integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_org_live`);
    await queryRunner.query(
      `CREATE INDEX ix_pfa_write_queue_record_order ON pfa_write_queue (organization_id, pfa_id, seq) WHERE status IN ('pending', 'processing')`,
    );
    // Due retries are claimed before the backlog (write-queue.service.ts); few rows, so a small index.
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_due_retries ON pfa_write_queue (scheduled_at) WHERE status = 'pending' AND retry_count > 0`);
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_completed_at ON pfa_write_queue (completed_at) WHERE status IN ('completed', 'failed')`);

    await queryRunner.query(`ALTER TABLE api_servers ADD COLUMN auth_failed_at timestamptz`);
    await queryRunner.query(`ALTER TABLE api_servers ADD COLUMN auth_paused_until timestamptz`);
    await queryRunner.query(`ALTER TABLE api_servers ADD COLUMN auth_failure_message text`);

    await queryRunner.query(`
      CREATE TABLE write_sync_workers (
        worker_id varchar(255) PRIMARY KEY,
        started_at timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL,
        last_run_started_at timestamptz,
        last_run_finished_at timestamptz,
        last_run_counts jsonb
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE write_sync_workers`);
    await queryRunner.query(`ALTER TABLE api_servers DROP COLUMN auth_failure_message, DROP COLUMN auth_paused_until, DROP COLUMN auth_failed_at`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_completed_at`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_due_retries`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_record_order`);
    await queryRunner.query(
      `CREATE INDEX ix_pfa_write_queue_org_live ON pfa_write_queue (organization_id, pfa_id) WHERE status IN ('pending', 'processing')`,
    );
    await queryRunner.query(`ALTER TABLE pfa_write_queue DROP COLUMN resend_count, DROP COLUMN seq`);
  }
}
