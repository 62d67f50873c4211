import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { OrganizationWebhook } from './entities/organization-webhook.entity';
import { WebhookDeliveriesModule } from './webhook-deliveries.module';
import { WebhookDispatcher } from './webhook.dispatcher';
import { WebhookHostPolicy } from './webhook-host-policy';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Outgoing webhooks per organization: their settings (admin API) and the dispatcher that delivers the queued events. */
@Module({
  imports: [TypeOrmModule.forFeature([OrganizationWebhook]), OrganizationsModule, WebhookDeliveriesModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookHostPolicy, WebhookSender, WebhookDispatcher],
})
export class WebhooksModule {}
