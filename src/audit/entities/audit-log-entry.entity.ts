import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One action a user took through the API (migration WritesPauseAndAudit); written only by AuditLogService. */
@Entity('audit_log')
export class AuditLogEntry {
  /** bigserial: read as text, since JSON numbers lose precision past 2^53. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  /** Null once the user no longer exists; `username` still says who. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 255 })
  username: string;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  /** What the action was done to: a record, a queue item, a user… (its id or key); null when the organization itself. */
  @Column({ type: 'text', nullable: true })
  target: string | null;

  /** The request's meaningful fields and the answer's counts; never a password, secret or credential. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  detail: Record<string, unknown>;
}
