import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NotFoundAppException } from '../common/errors/app.exception';
import { CredentialsCipher } from '../organizations/credentials-cipher.service';
import { WebhookDeliveriesQueryDto, WebhookDeliveryDto, WebhookDeliveryPageDto, WebhookDto, UpsertWebhookDto } from './dto/webhook.dto';
import { OrganizationWebhook } from './entities/organization-webhook.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { secretRequired, urlNotAllowed } from './webhook-errors';
import { WEBHOOK_EVENTS } from './webhook-events';
import { WebhookHostPolicy } from './webhook-host-policy';

/** The associated data a webhook's secret is encrypted with: the ciphertext reads only in its own row. */
export const webhookSecretContext = (webhookId: string): string => `webhook:${webhookId}`;

/** What a PUT did, for the audit: names of the fields that changed, never a value of the secret. */
export interface WebhookUpsert {
  webhook: WebhookDto;
  outcome: 'created' | 'updated' | 'unchanged';
  changedFields: Array<'url' | 'secret' | 'events' | 'active'>;
}

/** The only writer of `organization_webhooks`: an organization's webhook, set, read and removed by its admins. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: CredentialsCipher,
    private readonly hosts: WebhookHostPolicy,
    private readonly deliveries: WebhookDeliveries,
  ) {}

  async get(organizationId: string): Promise<WebhookDto> {
    return toDto(await this.found(organizationId));
  }

  /**
   * Creates or replaces the organization's webhook. The secret is required to create it; left
   * out later, the stored one is kept (it signs, it is never sent: a new URL does not expose it).
   */
  async upsert(organizationId: string, body: UpsertWebhookDto): Promise<WebhookUpsert> {
    const problem = this.hosts.problemWith(body.url);
    if (problem) throw urlNotAllowed(problem);
    return this.dataSource.transaction(async (manager) => {
      // Two PUTs at once for a new webhook: the second waits and updates the first's row. NO KEY: rows referencing the organization may still be inserted meanwhile.
      const [organization] = await manager.query(`SELECT id FROM organizations WHERE id = $1 FOR NO KEY UPDATE`, [organizationId]);
      if (!organization) throw new NotFoundAppException('Organization');
      const repository = manager.getRepository(OrganizationWebhook);
      const existing = await repository.findOneBy({ organizationId });
      if (!existing) {
        if (!body.secret) throw secretRequired();
        const id = randomUUID();
        const created = await repository.save(
          repository.create({
            id,
            organizationId,
            url: body.url,
            secretEncrypted: this.cipher.encryptSecret(body.secret, webhookSecretContext(id)),
            events: body.events ?? [...WEBHOOK_EVENTS],
            active: body.active ?? true,
            secretUpdatedAt: new Date(),
          }),
        );
        return { webhook: toDto(created), outcome: 'created', changedFields: ['url', 'secret', 'events', 'active'] };
      }
      const changedFields: WebhookUpsert['changedFields'] = [];
      if (body.url !== existing.url) changedFields.push('url');
      if (body.secret && !this.holdsSecret(existing, body.secret)) changedFields.push('secret');
      if (body.events && !sameSet(body.events, existing.events)) changedFields.push('events');
      if (body.active !== undefined && body.active !== null && body.active !== existing.active) changedFields.push('active');
      if (changedFields.length === 0) return { webhook: toDto(existing), outcome: 'unchanged', changedFields };
      existing.url = body.url;
      if (changedFields.includes('secret')) {
        existing.secretEncrypted = this.cipher.encryptSecret(body.secret!, webhookSecretContext(existing.id));
        existing.secretUpdatedAt = new Date();
      }
      if (changedFields.includes('events')) existing.events = body.events!;
      if (changedFields.includes('active')) existing.active = body.active!;
      return { webhook: toDto(await repository.save(existing)), outcome: 'updated', changedFields };
    });
  }

  /** Removes the organization's webhook and its deliveries (a delivery in flight finds nothing to record). */
  async remove(organizationId: string): Promise<WebhookDto> {
    return this.dataSource.transaction(async (manager) => {
      const [row]: Array<{ id: string }> = await manager.query(`SELECT id FROM organization_webhooks WHERE organization_id = $1 FOR UPDATE`, [organizationId]);
      if (!row) throw new NotFoundAppException('Webhook');
      const webhook = await manager.getRepository(OrganizationWebhook).findOneByOrFail({ id: row.id });
      await this.deliveries.removeAllOf(manager, webhook.id);
      await manager.query(`DELETE FROM organization_webhooks WHERE id = $1`, [webhook.id]);
      return toDto(webhook);
    });
  }

  async deliveryPage(organizationId: string, query: WebhookDeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    const webhook = await this.found(organizationId);
    const page = await this.deliveries.page(webhook.id, query.status, query.page, query.pageSize);
    return { ...page, items: page.items.map(toDeliveryDto) };
  }

  private async found(organizationId: string): Promise<OrganizationWebhook> {
    const webhook = await this.dataSource.getRepository(OrganizationWebhook).findOneBy({ organizationId });
    if (!webhook) throw new NotFoundAppException('Webhook');
    return webhook;
  }

  /** Whether `secret` is the stored one; a stored secret that cannot be read is not. */
  private holdsSecret(webhook: OrganizationWebhook, secret: string): boolean {
    try {
      return this.cipher.decryptSecret(webhook.secretEncrypted, webhookSecretContext(webhook.id)) === secret;
    } catch {
      return false;
    }
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}

function toDto(webhook: OrganizationWebhook): WebhookDto {
  return {
    id: webhook.id,
    organizationId: webhook.organizationId,
    url: webhook.url,
    events: webhook.events,
    active: webhook.active,
    hasSecret: true,
    secretUpdatedAt: webhook.secretUpdatedAt,
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
  };
}

function toDeliveryDto(delivery: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: delivery.id,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt,
    deliveredAt: delivery.deliveredAt,
  };
}
