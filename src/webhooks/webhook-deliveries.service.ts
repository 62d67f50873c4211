import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Page } from '../common/dto/pagination.dto';
import { entityFromRow } from '../database/entity-from-row';
import { returningRows } from '../database/returning-rows';
import { DeliveryStatus, WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEventOf } from './webhook-events';
import { deleteInBatches } from '../database/delete-in-batches';

/** NOTIFY channel that wakes every instance's dispatcher: a delivery was queued. */
export const WEBHOOK_DELIVERIES_CHANNEL = 'pems_webhook_deliveries';

/** A delivery claimed for one attempt, with where it goes. */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  /** The webhook's URL and encrypted secret as they are now (a changed URL takes the pending deliveries along). */
  url: string;
  secretEncrypted: string;
  leaseToken: string;
}

/** How an attempt that the receiver did not take was recorded. */
export type FailedAttempt = 'retry' | 'failed' | 'released';

/** The furthest a lease or a retry is put off (a week): a timestamp out of range would make the statement fail. */
const MAX_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The only writer of `webhook_deliveries`. A delivery is queued in the transaction of the state
 * change it tells of (the caller's manager), so it exists exactly when that change committed:
 * none is lost, none invented on a rollback, and one change is one delivery whichever instance
 * made it. Then: claimed for an attempt (FOR UPDATE SKIP LOCKED, with a lease, so instances never
 * send the same delivery at once), and each attempt ends `delivered`, back to `pending` for a
 * retry, or `failed`, conditional on its lease token.
 */
@Injectable()
export class WebhookDeliveries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Queues the event for the organization's webhook, inside the caller's transaction: one
   * statement, which inserts nothing when the organization has no active webhook taking this
   * event, and wakes the dispatchers at commit when it inserted a row.
   */
  async enqueue(manager: EntityManager, { organizationId, event, data }: WebhookEventOf): Promise<void> {
    await manager.query(
      `WITH queued AS (
         INSERT INTO webhook_deliveries (webhook_id, organization_id, event, data)
         SELECT w.id, w.organization_id, $2::text, $3::jsonb FROM organization_webhooks w
         WHERE w.organization_id = $1 AND w.active AND $2::text = ANY (w.events)
         RETURNING id
       )
       SELECT pg_notify($4, '') FROM queued`,
      [organizationId, event, JSON.stringify(data), WEBHOOK_DELIVERIES_CHANNEL],
    );
  }

  /**
   * Claims up to `limit` due deliveries of active webhooks for one attempt each: counts the
   * attempt, and leases the row for `leaseMs` (it is due again when the lease ends, should this
   * attempt never be recorded). Rows another instance is claiming are passed by.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await returningRows<Record<string, unknown> & { url: string; secret_encrypted: string }>(
      this.dataSource,
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d
         JOIN organization_webhooks w ON w.id = d.webhook_id AND w.active
         WHERE d.status = 'pending' AND d.next_attempt_at <= now()
         ORDER BY d.next_attempt_at
         LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1, lease_token = gen_random_uuid(), next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
       FROM due, organization_webhooks w
       WHERE d.id = due.id AND w.id = d.webhook_id
       RETURNING d.*, w.url, w.secret_encrypted`,
      [limit, Math.min(leaseMs, MAX_DELAY_MS)],
    );
    const repository = this.dataSource.getRepository(WebhookDelivery);
    return rows.map((row) => {
      const delivery = entityFromRow(repository, row);
      return { delivery, url: row.url, secretEncrypted: row.secret_encrypted, leaseToken: delivery.leaseToken! };
    });
  }

  /** `pending` → `delivered`: the receiver answered 2xx. False when the attempt's lease no longer holds the row. */
  async delivered(claimed: ClaimedDelivery, statusCode: number): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      this.dataSource,
      `UPDATE webhook_deliveries
       SET status = 'delivered', delivered_at = now(), next_attempt_at = NULL, lease_token = NULL, last_status_code = $3, last_error = NULL
       WHERE id = $1 AND lease_token = $2 AND status = 'pending'
       RETURNING id`,
      [claimed.delivery.id, claimed.leaseToken, statusCode],
    );
    return rows.length === 1;
  }

  /**
   * The receiver did not take the attempt (`statusCode` null: no answer): the delivery is due
   * again after the delay for its number of attempts, or `failed` when the delays ran out.
   */
  async attemptFailed(claimed: ClaimedDelivery, statusCode: number | null, error: string, retryDelaysMs: readonly number[]): Promise<FailedAttempt> {
    const delay = retryDelaysMs[claimed.delivery.attempts - 1];
    const rows = await returningRows<{ status: DeliveryStatus }>(
      this.dataSource,
      `UPDATE webhook_deliveries
       SET status = CASE WHEN $5::float8 IS NULL THEN 'failed' ELSE 'pending' END,
           next_attempt_at = CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $5::float8 / 1000) END,
           lease_token = NULL, last_status_code = $3, last_error = $4
       WHERE id = $1 AND lease_token = $2 AND status = 'pending'
       RETURNING status`,
      [claimed.delivery.id, claimed.leaseToken, statusCode, error.slice(0, 1000), delay === undefined ? null : Math.min(delay, MAX_DELAY_MS)],
    );
    if (rows.length === 0) return 'released';
    return rows[0].status === 'failed' ? 'failed' : 'retry';
  }

  /** An attempt this instance gave up before it ended (it is stopping): due again now, and the attempt does not count. */
  async handBack(claimed: ClaimedDelivery): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET attempts = attempts - 1, next_attempt_at = now(), lease_token = NULL
       WHERE id = $1 AND lease_token = $2 AND status = 'pending'`,
      [claimed.delivery.id, claimed.leaseToken],
    );
  }

  /** Milliseconds until the next pending delivery of an active webhook falls due (0 when one is due), or null when none waits. */
  async nextDueInMs(): Promise<number | null> {
    const [row]: Array<{ in_ms: number | null }> = await this.dataSource.query(
      `SELECT greatest(0, EXTRACT(EPOCH FROM min(d.next_attempt_at) - now()) * 1000)::float8 AS in_ms
       FROM webhook_deliveries d JOIN organization_webhooks w ON w.id = d.webhook_id AND w.active
       WHERE d.status = 'pending'`,
    );
    return row?.in_ms ?? null;
  }

  /** One webhook's deliveries, newest first, optionally in one status. */
  async page(webhookId: string, status: DeliveryStatus | undefined, page: number, pageSize: number): Promise<Page<WebhookDelivery>> {
    const [items, total] = await this.dataSource.getRepository(WebhookDelivery).findAndCount({
      where: { webhookId, ...(status ? { status } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total, page, pageSize };
  }

  /** A webhook is deleted (in the caller's transaction): its deliveries go with it. */
  async removeAllOf(manager: EntityManager, webhookId: string): Promise<void> {
    await manager.query(`DELETE FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId]);
  }

  /** Retention: deliveries created more than `days` days ago, whatever their status, in batches. */
  purgeOlderThan(days: number, batchSize = 5000): Promise<number> {
    return deleteInBatches(this.dataSource, 'webhook_deliveries', 'created_at < now() - make_interval(days => $1)', days, batchSize);
  }
}
