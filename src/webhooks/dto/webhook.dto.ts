import { ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';
import { DELIVERY_STATUSES, DeliveryStatus } from '../entities/webhook-delivery.entity';
import { WEBHOOK_EVENTS, WebhookEvent } from '../webhook-events';

/** An organization's webhook. The secret is write-only: left out, the stored one is kept. */
export class UpsertWebhookDto {
  /**
   * Where the events are POSTed, e.g. https://hooks.example.com/pems-sync. https and a public
   * host, unless the deployment lists the host in WEBHOOK_ALLOWED_HOSTS; no user:password@.
   */
  @IsString()
  @Length(1, 2048)
  url: string;

  /** The HMAC-SHA256 signing secret, 16 to 256 characters. Required when the webhook is created; never returned. */
  @IsOptional()
  @IsString()
  @Length(16, 256)
  secret?: string;

  /** The events to send; all three when the webhook is created without them, unchanged when left out later. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events?: WebhookEvent[];

  /** false: no event is queued for it, and pending deliveries wait. Default true; unchanged when left out. */
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class WebhookDto {
  id: string;
  organizationId: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  /** Always true: a webhook has a secret. The secret itself is never returned. */
  hasSecret: boolean;
  secretUpdatedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export class WebhookDeliveriesQueryDto extends PaginationQueryDto {
  /** Only deliveries in this status. */
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class WebhookDeliveryDto {
  /** The delivery's id: the X-Pems-Sync-Delivery header and the body's `id`, the same on every attempt. */
  id: string;
  event: WebhookEvent;
  /** pending (waiting for an attempt or in one), delivered (the receiver answered 2xx) or failed (the retries ran out). */
  status: DeliveryStatus;
  /** Attempts begun so far. */
  attempts: number;
  /** When the next attempt is due; null once delivered or failed. */
  nextAttemptAt: Date | null;
  /** The receiver's last HTTP status; null when it did not answer. */
  lastStatusCode: number | null;
  /** Why the last attempt was not taken (a status, a timeout, a refused connection); null once delivered. */
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export class WebhookDeliveryPageDto {
  items: WebhookDeliveryDto[];
  total: number;
  page: number;
  pageSize: number;
}
