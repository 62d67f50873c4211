import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim takes each organization's due items in turn (docs/write-sync.md, "Sharing PEMS"), so
 * it walks the due items of one organization at a time, in that organization's order:
 *
 * - ix_pfa_write_queue_org_claim (organization_id, priority DESC, scheduled_at) on pending items
 *   replaces ix_pfa_write_queue_claim, whose global order no statement reads any more;
 * - ix_pfa_write_queue_org_due_retries (organization_id, scheduled_at) on pending retries
 *   replaces ix_pfa_write_queue_due_retries, for the same reason.
 */
export class FairClaimIndexes1764000000013 implements MigrationInterface {
  name = 'FairClaimIndexes1764000000013';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_org_claim ON pfa_write_queue (organization_id, priority DESC, scheduled_at ASC) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_org_due_retries ON pfa_write_queue (organization_id, scheduled_at) WHERE status = 'pending' AND retry_count > 0`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_claim`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_due_retries`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_due_retries ON pfa_write_queue (scheduled_at) WHERE status = 'pending' AND retry_count > 0`);
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_claim ON pfa_write_queue (priority DESC, scheduled_at ASC) WHERE status = 'pending'`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_org_due_retries`);
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_org_claim`);
  }
}
