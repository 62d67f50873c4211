import { Body, Controller, Delete, Get, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { AuditDetail, AuditNote, Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { UpsertWebhookDto, WebhookDeliveriesQueryDto, WebhookDeliveryPageDto, WebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

/** The URL's scheme, host and port, for the audit: a path or query may hold the receiver's own token. */
const originOf = (url: string): string => new URL(url).origin;

/** An organization's outgoing webhook (docs/webhooks.md), set by its admins. */
@ApiTags('admin')
@Controller('admin/organizations/:id/webhook')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @ApiOperation({ summary: "The organization's webhook (the secret is never returned)" })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ description: 'the organization has no webhook' })
  get(@UuidParam('id') id: string): Promise<WebhookDto> {
    return this.webhooks.get(id);
  }

  @Put()
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @Audited('admin.webhook.update')
  @ApiOperation({
    summary: "Set the organization's webhook",
    description:
      'conflict.created, sync.failed and credentials.rejected are POSTed to `url`, signed with `secret` (X-Pems-Sync-Signature). ' +
      'The URL must be https on a public host, unless the deployment allows the host (WEBHOOK_ALLOWED_HOSTS), else 400 HOST_NOT_ALLOWED. ' +
      'The secret is write-only: required to create the webhook, kept when left out later.',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiBadRequestResponse({ description: 'a URL that is not allowed, a secret missing (on creation) or not 16 to 256 characters, an unknown event' })
  async put(@UuidParam('id') id: string, @Body() body: UpsertWebhookDto, @AuditNote() audit: AuditDetail): Promise<WebhookDto> {
    const { webhook, outcome, changedFields } = await this.webhooks.upsert(id, body);
    // The body carries the secret: the audit names the fields that changed, and the receiver's origin only.
    audit.add({ outcome, changedFields, origin: originOf(webhook.url) });
    return webhook;
  }

  @Delete()
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @Audited('admin.webhook.delete')
  @ApiOperation({ summary: "Remove the organization's webhook and its deliveries" })
  @ApiOkResponse({ type: WebhookDto, description: 'the webhook as it was' })
  @ApiNotFoundResponse({ description: 'the organization has no webhook' })
  async remove(@UuidParam('id') id: string, @AuditNote() audit: AuditDetail): Promise<WebhookDto> {
    const webhook = await this.webhooks.remove(id);
    audit.add({ origin: originOf(webhook.url) });
    return webhook;
  }

  @Get('deliveries')
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @ApiOperation({ summary: "The webhook's deliveries, newest first, with their attempts and last error" })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiNotFoundResponse({ description: 'the organization has no webhook' })
  deliveries(@UuidParam('id') id: string, @Query() query: WebhookDeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.deliveryPage(id, query);
  }
}
