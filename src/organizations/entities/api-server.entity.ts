import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Organization } from './organization.entity';

export type PemsAuthType = 'basic' | 'api_key';

/** The PEMS API server an organization syncs with; one per organization. */
@Entity('api_servers')
export class ApiServer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid', unique: true })
  organizationId: string;

  @OneToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'base_url', type: 'varchar', length: 2048 })
  baseUrl: string;

  @Column({ type: 'varchar', length: 255 })
  tenant: string;

  /** pemsTenantKey(baseUrl, tenant): the tenant whose rate limit this server shares. */
  @Column({ name: 'tenant_key', type: 'varchar', length: 2300 })
  tenantKey: string;

  @Column({ name: 'auth_type', type: 'varchar', length: 16 })
  authType: PemsAuthType;

  /** AES-256-GCM ciphertext of the credentials JSON (credentials-cipher.service.ts); never returned. */
  @Column({ name: 'credentials_encrypted', type: 'text' })
  credentialsEncrypted: string;

  @Column({ name: 'credentials_updated_at', type: 'timestamptz' })
  credentialsUpdatedAt: Date;

  @Column({ name: 'write_enabled', type: 'boolean', default: false })
  writeEnabled: boolean;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  /** Null: PEMS_RATE_LIMIT_PER_SECOND applies. */
  @Column({ name: 'rate_limit_per_second', type: 'integer', nullable: true })
  rateLimitPerSecond: number | null;

  /** Null: PEMS_REQUEST_TIMEOUT_MS applies. */
  @Column({ name: 'timeout_ms', type: 'integer', nullable: true })
  timeoutMs: number | null;

  /** PFA field -> PEMS field name, overriding the default map of PEMS_CONTRACT.md. */
  @Column({ name: 'field_map', type: 'jsonb', nullable: true })
  fieldMap: Record<string, string> | null;

  /**
   * When PEMS last rejected the credentials; cleared by a successful call or new credentials.
   * The credentials pause (this column and the next two) belongs to write sync, its only writer
   * (ServerAuthPauseService); saving the entity never writes them.
   */
  @Column({ name: 'auth_failed_at', type: 'timestamptz', nullable: true, insert: false, update: false })
  authFailedAt: Date | null;

  /** No writes to this server until then (PEMS_AUTH_PAUSE_MS after a 401); then one probe. */
  @Column({ name: 'auth_paused_until', type: 'timestamptz', nullable: true, insert: false, update: false })
  authPausedUntil: Date | null;

  @Column({ name: 'auth_failure_message', type: 'text', nullable: true, insert: false, update: false })
  authFailureMessage: string | null;

  /**
   * When an admin paused the server's writes (a maintenance window at PEMS); null while it writes.
   * The writes pause (this column and the next two) has one writer, ServerWritesPauseService;
   * saving the entity never writes them.
   */
  @Column({ name: 'writes_paused_at', type: 'timestamptz', nullable: true, insert: false, update: false })
  writesPausedAt: Date | null;

  /** The user who paused them (null once that user is gone). */
  @Column({ name: 'writes_paused_by', type: 'uuid', nullable: true, insert: false, update: false })
  writesPausedBy: string | null;

  @Column({ name: 'writes_pause_reason', type: 'varchar', length: 500, nullable: true, insert: false, update: false })
  writesPauseReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
