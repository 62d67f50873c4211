import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of an organization's PEMS API server is kept: who made it (null: the service
 * itself, e.g. demo mode), when, and each field's value before and after. Secrets are never
 * written here; a credentials change is noted as "given" or "dropped".
 */
export class ApiServerChanges1764000000007 implements MigrationInterface {
  name = 'ApiServerChanges1764000000007';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_server_changes (
        id bigserial PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        api_server_id uuid NOT NULL REFERENCES api_servers(id) ON DELETE CASCADE,
        changed_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        changed_by_username varchar(255) NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        action varchar(16) NOT NULL CHECK (action IN ('created', 'updated')),
        changes jsonb NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_api_server_changes_organization ON api_server_changes (organization_id, id DESC)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_server_changes`);
  }
}
