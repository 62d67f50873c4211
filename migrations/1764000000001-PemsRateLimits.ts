import { MigrationInterface, QueryRunner } from 'typeorm';

/** The shared send schedule of each PEMS tenant (postgres-pems-rate-limiter.ts). */
export class PemsRateLimits1764000000001 implements MigrationInterface {
  name = 'PemsRateLimits1764000000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pems_rate_limits (
        tenant_key varchar(2300) PRIMARY KEY,
        next_slot_at timestamptz NOT NULL,
        last_slot_at timestamptz NOT NULL,
        paused_until timestamptz
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE pems_rate_limits`);
  }
}
