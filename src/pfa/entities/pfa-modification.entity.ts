import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../../auth/entities/user.entity';
import { PfaChanges } from '../../validation/pfa-fields';
import { PfaRecord } from './pfa-record.entity';

export const MODIFICATION_STATUSES = ['pending', 'queued', 'syncing', 'synced', 'conflict', 'failed', 'discarded'] as const;
export type ModificationStatus = (typeof MODIFICATION_STATUSES)[number];
/** Modifications whose values PEMS does not hold yet: they make up the effective record. */
export const UNSYNCED_MODIFICATION_STATUSES: ModificationStatus[] = ['pending', 'queued', 'syncing'];

/** One person's edit of one PFA record, from `pending` until PEMS has it (or it is given up). */
@Entity('pfa_modification')
@Index('ix_pfa_modification_org_status', ['organizationId', 'status', 'createdAt'])
@Index('ix_pfa_modification_record', ['recordId', 'createdAt'])
export class PfaModification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'record_id', type: 'uuid' })
  recordId: string;

  @ManyToOne(() => PfaRecord, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'record_id' })
  record?: PfaRecord;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** field -> new value */
  @Column({ type: 'jsonb' })
  changes: PfaChanges;

  /** field -> the effective value the user saw when editing */
  @Column({ name: 'base_values', type: 'jsonb' })
  baseValues: PfaChanges;

  /** The mirror's PEMS version when the edit was made (or the PEMS version a resolution re-based it on). */
  @Column({ name: 'base_version', type: 'integer' })
  baseVersion: number;

  @Column({ name: 'change_reason', type: 'varchar', length: 1000, nullable: true })
  changeReason: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: ModificationStatus;

  @Column({ name: 'synced_at', type: 'timestamptz', nullable: true })
  syncedAt: Date | null;

  @Column({ name: 'sync_error', type: 'text', nullable: true })
  syncError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
