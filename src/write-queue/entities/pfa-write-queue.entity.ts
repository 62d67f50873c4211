import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PfaModification } from '../../pfa/entities/pfa-modification.entity';
import { PfaChanges } from '../../validation/pfa-fields';

export const QUEUE_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/**
 * One write to PEMS waiting, in flight or done. The indexes (claim order, one live item per
 * modification) are declared in the migrations, where their partial predicates live.
 */
@Entity('pfa_write_queue')
export class PfaWriteQueueItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'modification_id', type: 'uuid' })
  modificationId: string;

  @ManyToOne(() => PfaModification, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'modification_id' })
  modification?: PfaModification;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'pfa_id', type: 'varchar', length: 255 })
  pfaId: string;

  @Column({ type: 'varchar', length: 16, default: 'update' })
  operation: 'update';

  /** The changes to send and the version they are based on. */
  @Column({ type: 'jsonb' })
  payload: { changes: PfaChanges; baseVersion: number };

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: QueueStatus;

  @Column({ type: 'smallint', default: 5 })
  priority: number;

  @Column({ name: 'retry_count', type: 'integer', default: 0 })
  retryCount: number;

  @Column({ name: 'max_retries', type: 'integer', default: 3 })
  maxRetries: number;

  @Column({ name: 'scheduled_at', type: 'timestamptz', default: () => 'now()' })
  scheduledAt: Date;

  @Column({ name: 'locked_by', type: 'varchar', length: 255, nullable: true })
  lockedBy: string | null;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** New at every claim: completions, retries, failures and renewals of an attempt match it, so an older attempt can never finish a newer claim. */
  @Column({ name: 'lease_token', type: 'uuid', nullable: true })
  leaseToken: string | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** The write-sync request that queued it (POST /api/pems/write-sync's jobId). */
  @Column({ name: 'job_id', type: 'uuid', nullable: true })
  jobId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Insertion order: a record's items are sent in this order. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: { to: (value: unknown) => value, from: (value: string | null) => (value === null ? null : Number(value)) } })
  seq: number;

  /** Sends again on a newer version after a conflict check found no overlap; not retries. */
  @Column({ name: 'resend_count', type: 'integer', default: 0 })
  resendCount: number;
}
