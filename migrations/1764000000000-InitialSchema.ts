import { MigrationInterface, QueryRunner } from 'typeorm';

/** The whole data model of SPEC §4: organizations and users, the PFA mirror, edits, the write queue and conflicts. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(64) NOT NULL,
        name varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_organizations_code UNIQUE (code)
      )`);

    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(100) NOT NULL,
        email varchar(320) NOT NULL,
        password_hash varchar(255) NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        is_superadmin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_users_username UNIQUE (username)
      )`);

    await queryRunner.query(`
      CREATE TABLE user_organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        perm_read boolean NOT NULL DEFAULT false,
        perm_edit boolean NOT NULL DEFAULT false,
        perm_sync boolean NOT NULL DEFAULT false,
        perm_admin boolean NOT NULL DEFAULT false,
        CONSTRAINT uq_user_organizations_user_org UNIQUE (user_id, organization_id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_user_organizations_org ON user_organizations (organization_id)`);

    await queryRunner.query(`
      CREATE TABLE api_servers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name varchar(255) NOT NULL,
        base_url varchar(2048) NOT NULL,
        tenant varchar(255) NOT NULL,
        auth_type varchar(16) NOT NULL CHECK (auth_type IN ('basic', 'api_key')),
        credentials_encrypted text NOT NULL,
        credentials_updated_at timestamptz NOT NULL DEFAULT now(),
        write_enabled boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        rate_limit_per_second integer CHECK (rate_limit_per_second > 0),
        timeout_ms integer CHECK (timeout_ms > 0),
        field_map jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_api_servers_organization UNIQUE (organization_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE pfa_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        pfa_id varchar(255) NOT NULL,
        version integer NOT NULL,
        data jsonb NOT NULL,
        category varchar(255),
        class varchar(255),
        source varchar(32),
        dor varchar(32),
        manufacturer varchar(255),
        model varchar(255),
        forecast_start date,
        forecast_end date,
        pems_last_modified varchar(64),
        last_synced_at timestamptz,
        deleted_in_pems_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_pfa_records_org_pfa_id ON pfa_records (organization_id, pfa_id)`);

    await queryRunner.query(`
      CREATE TABLE pfa_record_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        record_id uuid NOT NULL REFERENCES pfa_records(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        pfa_id varchar(255) NOT NULL,
        version integer NOT NULL,
        data jsonb NOT NULL,
        source varchar(32) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ix_pfa_record_history_record ON pfa_record_history (record_id, version)`);

    await queryRunner.query(`
      CREATE TABLE pfa_modification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        record_id uuid NOT NULL REFERENCES pfa_records(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        changes jsonb NOT NULL,
        base_values jsonb NOT NULL,
        base_version integer NOT NULL,
        change_reason varchar(1000),
        status varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'queued', 'syncing', 'synced', 'conflict', 'failed', 'discarded')),
        synced_at timestamptz,
        sync_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ix_pfa_modification_org_status ON pfa_modification (organization_id, status, created_at)`);
    await queryRunner.query(`CREATE INDEX ix_pfa_modification_record ON pfa_modification (record_id, created_at)`);

    await queryRunner.query(`
      CREATE TABLE pfa_write_queue (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        modification_id uuid NOT NULL REFERENCES pfa_modification(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        pfa_id varchar(255) NOT NULL,
        operation varchar(16) NOT NULL DEFAULT 'update' CHECK (operation IN ('update')),
        payload jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
        priority smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
        retry_count integer NOT NULL DEFAULT 0,
        max_retries integer NOT NULL DEFAULT 3,
        scheduled_at timestamptz NOT NULL DEFAULT now(),
        locked_by varchar(255),
        locked_until timestamptz,
        last_attempt_at timestamptz,
        last_error text,
        last_status_code integer,
        completed_at timestamptz,
        job_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one live item per modification, even under concurrent write-sync calls.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_pfa_write_queue_live_modification ON pfa_write_queue (modification_id) WHERE status IN ('pending', 'processing')`,
    );
    // The claim walks this partial index in claim order; completed rows never enter it, so it stays small at millions of rows.
    await queryRunner.query(
      `CREATE INDEX ix_pfa_write_queue_claim ON pfa_write_queue (priority DESC, scheduled_at ASC) WHERE status = 'pending'`,
    );
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_lease ON pfa_write_queue (locked_until) WHERE status = 'processing'`);
    await queryRunner.query(
      `CREATE INDEX ix_pfa_write_queue_org_live ON pfa_write_queue (organization_id, pfa_id) WHERE status IN ('pending', 'processing')`,
    );
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_org_status_completed ON pfa_write_queue (organization_id, status, completed_at)`);
    await queryRunner.query(`CREATE INDEX ix_pfa_write_queue_modification ON pfa_write_queue (modification_id)`);

    await queryRunner.query(`
      CREATE TABLE pfa_sync_conflict (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        pfa_id varchar(255) NOT NULL,
        modification_id uuid NOT NULL REFERENCES pfa_modification(id) ON DELETE CASCADE,
        queue_item_id uuid REFERENCES pfa_write_queue(id) ON DELETE SET NULL,
        local_version integer NOT NULL,
        pems_version integer NOT NULL,
        conflict_fields jsonb NOT NULL,
        local_data jsonb NOT NULL,
        pems_data jsonb NOT NULL,
        base_data jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'unresolved' CHECK (status IN ('unresolved', 'resolved')),
        resolution varchar(16) CHECK (resolution IN ('use_local', 'use_pems', 'merge')),
        merged_data jsonb,
        applied_changes jsonb,
        resolved_by uuid REFERENCES users(id),
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ix_pfa_sync_conflict_org_status ON pfa_sync_conflict (organization_id, status, created_at)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_pfa_sync_conflict_open_per_modification ON pfa_sync_conflict (modification_id) WHERE status = 'unresolved'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'pfa_sync_conflict',
      'pfa_write_queue',
      'pfa_modification',
      'pfa_record_history',
      'pfa_records',
      'api_servers',
      'user_organizations',
      'users',
      'organizations',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
