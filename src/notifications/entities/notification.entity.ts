import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const NOTIFICATION_KINDS = ['edit.synced', 'edit.conflict', 'edit.failed', 'conflict.created', 'credentials.rejected'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Something one user should hear of (migration Notifications); written only by NotificationsService. */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: NotificationKind;

  @Column({ name: 'modification_id', type: 'uuid', nullable: true })
  modificationId: string | null;

  @Column({ name: 'conflict_id', type: 'uuid', nullable: true })
  conflictId: string | null;

  @Column({ name: 'record_id', type: 'uuid', nullable: true })
  recordId: string | null;

  @Column({ name: 'pfa_id', type: 'varchar', length: 255, nullable: true })
  pfaId: string | null;

  @Column({ type: 'varchar', length: 500 })
  text: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;
}
