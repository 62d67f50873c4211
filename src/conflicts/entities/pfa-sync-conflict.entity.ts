import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PfaModification } from '../../pfa/entities/pfa-modification.entity';
import { PfaChanges } from '../../validation/pfa-fields';

export type ConflictStatus = 'unresolved' | 'resolved';
export type ConflictResolution = 'use_local' | 'use_pems' | 'merge';

/** A write that PEMS changed under us, waiting for a person to choose (SPEC §8). */
@Entity('pfa_sync_conflict')
export class PfaSyncConflict {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'pfa_id', type: 'varchar', length: 255 })
  pfaId: string;

  @Column({ name: 'modification_id', type: 'uuid' })
  modificationId: string;

  @ManyToOne(() => PfaModification, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'modification_id' })
  modification?: PfaModification;

  @Column({ name: 'queue_item_id', type: 'uuid', nullable: true })
  queueItemId: string | null;

  @Column({ name: 'local_version', type: 'integer' })
  localVersion: number;

  @Column({ name: 'pems_version', type: 'integer' })
  pemsVersion: number;

  @Column({ name: 'conflict_fields', type: 'jsonb' })
  conflictFields: string[];

  @Column({ name: 'local_data', type: 'jsonb' })
  localData: PfaChanges;

  @Column({ name: 'pems_data', type: 'jsonb' })
  pemsData: PfaChanges;

  @Column({ name: 'base_data', type: 'jsonb' })
  baseData: PfaChanges;

  @Column({ type: 'varchar', length: 16, default: 'unresolved' })
  status: ConflictStatus;

  @Column({ type: 'varchar', length: 16, nullable: true })
  resolution: ConflictResolution | null;

  @Column({ name: 'merged_data', type: 'jsonb', nullable: true })
  mergedData: PfaChanges | null;

  /** What the resolution sent on to PEMS (null for use_pems). */
  @Column({ name: 'applied_changes', type: 'jsonb', nullable: true })
  appliedChanges: PfaChanges | null;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
