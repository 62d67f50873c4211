import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops ix_pfa_write_queue_lease (locked_until, on processing items). Its column made every
 * lease renewal a non-HOT update, writing a new entry into each of the queue's indexes for
 * every item in flight, and each claim wrote one index entry more per item. The reaper, its
 * only reader, runs once per worker run and finds expired leases among the live items through
 * the partial indexes on pending and processing items instead.
 */
export class DropLeaseIndex1764000000004 implements MigrationInterface {
  name = 'DropLeaseIndex1764000000004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_pfa_write_queue_lease`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_lease ON pfa_write_queue (locked_until) WHERE status = 'processing'`);
  }
}
