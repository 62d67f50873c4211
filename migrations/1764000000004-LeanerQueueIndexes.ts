import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer index entries per claimed item, and a claim plan that cannot drift:
 *
 * - ix_pfa_write_queue_lease (locked_until, on processing items) goes. Its column made every
 *   lease renewal a non-HOT update, writing a new entry into each of the queue's indexes for
 *   every item in flight. Its only reader, the reaper, runs once per worker run and finds
 *   expired leases among the live items through the partial indexes on pending and
 *   processing items.
 * - ix_pfa_write_queue_org_status_completed covered every status; it now covers finished items
 *   only (sync-status's last sync, the queue view's finished items). Live items are found per
 *   organization through ix_pfa_write_queue_record_order. Claiming an item no longer writes
 *   to it, and the planner can no longer combine it with the live-items index into a bitmap
 *   scan of every pending item: on PostgreSQL 18 (skip scans) it did, misjudging that scan at
 *   a hundredth of its size, and sorted all 10,000 pending items for each claim (20-40 ms).
 */
export class LeanerQueueIndexes1764000000004 implements MigrationInterface {
  name = 'LeanerQueueIndexes1764000000004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_lease`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_org_status_completed`);
    await queryRunner.query(
      `CREATE INDEX ix_pfa_write_queue_org_finished ON pfa_write_queue (organization_id, status, completed_at) WHERE status IN ('completed', 'failed', 'cancelled')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_org_finished`);
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_org_status_completed ON pfa_write_queue (organization_id, status, completed_at)`);
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_lease ON pfa_write_queue (locked_until) WHERE status = 'processing'`);
  }
}
