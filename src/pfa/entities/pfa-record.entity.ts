import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { PfaData } from '../../validation/pfa-fields';

/**
 * The local mirror of one PEMS PFA record. `data` holds every field; the typed columns are
 * copies of the fields people search and filter on, kept in step by PfaMirrorWriter.
 */
@Entity('pfa_records')
@Index('uq_pfa_records_org_pfa_id', ['organizationId', 'pfaId'], { unique: true })
export class PfaRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'pfa_id', type: 'varchar', length: 255 })
  pfaId: string;

  /** PEMS's `recordid` of the data held here. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  data: PfaData;

  @Column({ type: 'varchar', length: 255, nullable: true })
  category: string | null;

  @Column({ name: 'class', type: 'varchar', length: 255, nullable: true })
  class: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  source: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  dor: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  manufacturer: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  model: string | null;

  @Column({ name: 'forecast_start', type: 'date', nullable: true })
  forecastStart: string | null;

  @Column({ name: 'forecast_end', type: 'date', nullable: true })
  forecastEnd: string | null;

  /** PEMS's own last-modified stamp, when it sends one. */
  @Column({ name: 'pems_last_modified', type: 'varchar', length: 64, nullable: true })
  pemsLastModified: string | null;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt: Date | null;

  /** Set when a full read sync no longer finds the record in PEMS; cleared if it comes back. */
  @Column({ name: 'deleted_in_pems_at', type: 'timestamptz', nullable: true })
  deletedInPemsAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
