import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Three additions for the web console (docs/api-console-admin.md):
 *
 * - **An admin's pause of an API server's writes** (a maintenance window at PEMS):
 *   `api_servers.writes_paused_at`, `writes_paused_by`, `writes_pause_reason`, written only by
 *   ServerWritesPauseService. The claim leaves a paused server's items pending, as it does for a
 *   credentials pause; it reads the columns once per server, not per item.
 * - **The audit of actions**, `audit_log`: who did what, when, in which organization. The
 *   username is kept beside the user's id so that an entry reads the same after a rename.
 * - **Grants per second**, so that GET /api/pems/server-state can tell how many requests a tenant
 *   sent in the last minute and the last ten seconds. `pems_rate_limits.sent_count` counts every
 *   grant since the row began, and `sent_at` keeps only the last `rate` of them: neither tells
 *   how many fell in a minute. A trigger on the row (which every grant statement updates anyway)
 *   adds each statement's grants to a ring of 60 one-second counts (`grants_per_second`, the last
 *   one being second `grants_second` since the epoch, by the database's clock). The tuned
 *   function pems_rate_limit_grant is left as it is; the trigger runs once per grant statement,
 *   not per grant, and only when sent_count moved.
 */
export class WritesPauseAndAudit1764000000015 implements MigrationInterface {
  name = 'WritesPauseAndAudit1764000000015';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE api_servers
        ADD COLUMN writes_paused_at timestamptz NULL,
        ADD COLUMN writes_paused_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        ADD COLUMN writes_pause_reason varchar(500) NULL,
        ADD CONSTRAINT ck_api_servers_writes_pause CHECK ((writes_paused_at IS NULL) = (writes_pause_reason IS NULL))`);

    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        user_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        username varchar(255) NOT NULL,
        organization_id uuid NULL REFERENCES organizations(id) ON DELETE SET NULL,
        action varchar(64) NOT NULL,
        target text NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    // GET /api/audit reads one organization's entries newest first, optionally of one action.
    await queryRunner.query(`CREATE INDEX ix_audit_log_organization ON audit_log (organization_id, id DESC)`);
    await queryRunner.query(`CREATE INDEX ix_audit_log_organization_action ON audit_log (organization_id, action, id DESC)`);

    await queryRunner.query(`ALTER TABLE pems_rate_limits ADD COLUMN grants_per_second integer[] NOT NULL DEFAULT '{}', ADD COLUMN grants_second bigint NULL`);
    await queryRunner.query(`
      CREATE FUNCTION pems_rate_limits_count_grants() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        this_second bigint := floor(EXTRACT(EPOCH FROM clock_timestamp()))::bigint;
        counts integer[] := OLD.grants_per_second;
        shift bigint := 0;
      BEGIN
        IF cardinality(counts) <> 60 OR OLD.grants_second IS NULL THEN
          counts := array_fill(0, ARRAY[60]);
        ELSE
          -- A clock that stepped back adds to the newest second rather than rewriting the past.
          shift := greatest(0, this_second - OLD.grants_second);
          IF shift >= 60 THEN
            counts := array_fill(0, ARRAY[60]);
          ELSIF shift > 0 THEN
            counts := counts[shift + 1 : 60] || array_fill(0, ARRAY[shift::int]);
          END IF;
        END IF;
        counts[60] := counts[60] + (NEW.sent_count - OLD.sent_count)::int;
        NEW.grants_per_second := counts;
        NEW.grants_second := greatest(this_second, coalesce(OLD.grants_second, this_second));
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER pems_rate_limits_count_grants BEFORE UPDATE OF sent_count ON pems_rate_limits
      FOR EACH ROW WHEN (NEW.sent_count > OLD.sent_count) EXECUTE FUNCTION pems_rate_limits_count_grants()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER pems_rate_limits_count_grants ON pems_rate_limits`);
    await queryRunner.query(`DROP FUNCTION pems_rate_limits_count_grants()`);
    await queryRunner.query(`ALTER TABLE pems_rate_limits DROP COLUMN grants_second, DROP COLUMN grants_per_second`);
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`
      ALTER TABLE api_servers
        DROP CONSTRAINT ck_api_servers_writes_pause,
        DROP COLUMN writes_pause_reason,
        DROP COLUMN writes_paused_by,
        DROP COLUMN writes_paused_at`);
  }
}
