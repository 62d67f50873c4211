import { MigrationInterface, QueryRunner } from 'typeorm';

/** Request counts per key and window for rate-limited endpoints, shared by all instances (PostgresThrottlerStorage). */
export class RequestThrottle1764000000011 implements MigrationInterface {
  name = 'RequestThrottle1764000000011';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE request_throttle (
        key varchar(400) PRIMARY KEY,
        hits integer NOT NULL,
        window_ends_at timestamptz NOT NULL,
        blocked_until timestamptz NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_request_throttle_window ON request_throttle (window_ends_at)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE request_throttle`);
  }
}
