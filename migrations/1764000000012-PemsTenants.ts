import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A PEMS tenant's rate limit is one value for the tenant, set by a superadmin (or the seed), not
 * each organization's own: pems_tenants holds it by tenant key; PEMS_WRITE_SYNC_RATE_LIMIT
 * applies to a tenant without a row. Existing API servers' rates move here, the highest of a
 * tenant's (the lowest would let one organization slow the others down, which is what this
 * ends). api_servers.rate_limit_per_second is no longer read; it stays for a rolling upgrade.
 */
export class PemsTenants1764000000012 implements MigrationInterface {
  name = 'PemsTenants1764000000012';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pems_tenants (
        tenant_key varchar(2300) PRIMARY KEY,
        rate_limit_per_second integer NOT NULL CHECK (rate_limit_per_second BETWEEN 1 AND 1000),
        changed_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO pems_tenants (tenant_key, rate_limit_per_second)
      SELECT tenant_key, max(rate_limit_per_second) FROM api_servers WHERE rate_limit_per_second IS NOT NULL GROUP BY tenant_key`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE pems_tenants`);
  }
}
