import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { WebhookEvent } from '../webhook-events';

/** An organization's webhook (migration OrganizationWebhooks): at most one per organization; written only by WebhooksService. */
@Entity('organization_webhooks')
export class OrganizationWebhook {
  /** Chosen before the insert: the secret's ciphertext is bound to it. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid', unique: true })
  organizationId: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** The signing secret, AES-256-GCM under CREDENTIALS_KEY, bound to this webhook's id (CredentialsCipher.encryptSecret). Never returned or logged. */
  @Column({ name: 'secret_encrypted', type: 'text' })
  secretEncrypted: string;

  @Column({ type: 'text', array: true })
  events: WebhookEvent[];

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'secret_updated_at', type: 'timestamptz' })
  secretUpdatedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
