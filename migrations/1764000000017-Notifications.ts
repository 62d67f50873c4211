import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications, stored per user so that nothing is missed while they are away
 * (docs/notifications.md). Written only by NotificationsService, in the transaction of the state
 * change they tell of; read as "my unread, newest first" and "mine, newest first"; deleted by the
 * write-sync retention after PEMS_WRITE_SYNC_RETENTION_DAYS.
 *
 * The subject ids (modification, conflict, record) carry no foreign key: a notification tells of
 * something that happened and outlives nothing it points at for long (retention), and a key would
 * cost every insert a lookup on the worker's hot path and every delete of a subject an index here.
 */
export class Notifications1764000000017 implements MigrationInterface {
  name = 'Notifications1764000000017';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        kind varchar(32) NOT NULL,
        modification_id uuid NULL,
        conflict_id uuid NULL,
        record_id uuid NULL,
        pfa_id varchar(255) NULL,
        text varchar(500) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz NULL,
        CONSTRAINT ck_notifications_kind CHECK (kind IN ('edit.synced', 'edit.conflict', 'edit.failed', 'conflict.created', 'credentials.rejected'))
      )`);
    // The bell: my unread, newest first, and their count.
    await queryRunner.query(`CREATE INDEX ix_notifications_user_unread ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL`);
    // The list of all of mine, newest first (and ON DELETE CASCADE of a user).
    await queryRunner.query(`CREATE INDEX ix_notifications_user ON notifications (user_id, created_at DESC, id DESC)`);
    // Retention deletes by age, whoever they belong to.
    await queryRunner.query(`CREATE INDEX ix_notifications_created ON notifications (created_at)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE notifications`);
  }
}
