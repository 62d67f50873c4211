import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usernames and e-mail addresses are unique whatever their case: `BEDIT` can no longer be made
 * beside `bedit` (a look-alike in every "modified by"), and login ignores case. When existing
 * users collide, the migration refuses to run and names them: an operator decides which to rename.
 */
export class CaseInsensitiveUsers1764000000009 implements MigrationInterface {
  name = 'CaseInsensitiveUsers1764000000009';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['username', 'email'] as const) {
      const collisions: Array<{ values: string[] }> = await queryRunner.query(
        `SELECT array_agg(${column} ORDER BY ${column}) AS values FROM users GROUP BY lower(${column}) HAVING count(*) > 1 ORDER BY lower(${column}) LIMIT 20`,
      );
      if (collisions.length > 0) {
        const listed = collisions.map((collision) => collision.values.join(' / ')).join('; ');
        throw new Error(
          `pems-sync now keeps ${column}s unique regardless of case, and these users collide: ${listed}. ` +
            `Change all but one of each (UPDATE users SET ${column} = '…' WHERE id = '…'), then start again.`,
        );
      }
    }
    await queryRunner.query(`CREATE UNIQUE INDEX ux_users_username_lower ON users (lower(username))`);
    await queryRunner.query(`CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ux_users_email_lower`);
    await queryRunner.query(`DROP INDEX ux_users_username_lower`);
  }
}
