import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One field's value before and after a change; credentials appear only as "given" or "dropped". */
export type ApiServerFieldChange = { from: unknown; to: unknown };

/** A change of an organization's PEMS API server, kept for audit (migration ApiServerChanges1764000000007). */
@Entity('api_server_changes')
export class ApiServerChange {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'api_server_id', type: 'uuid' })
  apiServerId: string;

  /** Who changed it; null when the service itself did (demo mode). */
  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy: string | null;

  /** The username at the time, kept when the user is deleted. */
  @Column({ name: 'changed_by_username', type: 'varchar', length: 255, nullable: true })
  changedByUsername: string | null;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt: Date;

  @Column({ type: 'varchar', length: 16 })
  action: 'created' | 'updated';

  @Column({ type: 'jsonb' })
  changes: Record<string, ApiServerFieldChange>;
}
