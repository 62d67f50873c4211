import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed logins, counted per username and per client address in a window, so that every
 * instance refuses a guesser alike (LoginThrottle).
 */
export class LoginThrottle1764000000010 implements MigrationInterface {
  name = 'LoginThrottle1764000000010';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE login_failures (
        key varchar(400) PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_login_failures_window ON login_failures (window_started_at)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE login_failures`);
  }
}
