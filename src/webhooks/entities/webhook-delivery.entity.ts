import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookEvent } from '../webhook-events';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event for an organization's webhook (migration OrganizationWebhooks); written only by WebhookDeliveries. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  /** Sent as X-Pems-Sync-Delivery and as the body's `id`: the same on every attempt, so the receiver can drop a repeat. */
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'varchar', length: 64 })
  event: WebhookEvent;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: DeliveryStatus;

  /** Attempts begun (a claim counts one). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** When a pending delivery is due: its next retry, or the end of the lease of the attempt in flight. Null once delivered or failed. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  /** The attempt in flight's lease; only that attempt may record its outcome. */
  @Column({ name: 'lease_token', type: 'uuid', nullable: true })
  leaseToken: string | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
