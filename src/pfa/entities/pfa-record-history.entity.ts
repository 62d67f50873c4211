import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { PfaData } from '../../validation/pfa-fields';

export type PfaHistorySource = 'read_sync' | 'write_sync' | 'conflict_check';

/** A snapshot of a mirror record each time its PEMS version moves on. */
@Entity('pfa_record_history')
@Index('ix_pfa_record_history_record', ['recordId', 'version'])
export class PfaRecordHistory {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'record_id', type: 'uuid' })
  recordId: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'pfa_id', type: 'varchar', length: 255 })
  pfaId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  data: PfaData;

  /** What moved the mirror on: a read sync, our own write, or a re-read after a version conflict. */
  @Column({ type: 'varchar', length: 32 })
  source: PfaHistorySource;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
