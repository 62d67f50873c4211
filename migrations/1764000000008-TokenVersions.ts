import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's token version: every access token carries the version it was issued under, and the
 * guard refuses a token whose version is not the user's current one. A password change moves the
 * version on, so tokens issued before it stop working at once.
 */
export class TokenVersions1764000000008 implements MigrationInterface {
  name = 'TokenVersions1764000000008';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN token_version`);
  }
}
