import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SyncEventsModule } from '../sync-events/sync-events.module';
import { WebhookDeliveriesModule } from '../webhooks/webhook-deliveries.module';
import { WriteQueueModule } from '../write-queue/write-queue.module';
import { ApiServerChangeFollower } from './api-server-change.follower';
import { ServerAuthPauseService } from './server-auth-pause.service';

/**
 * A server's pause for rejected credentials, and what write sync does when an admin changes the
 * server. On its own so that the operators' CLI, which saves servers from a seed file but runs
 * no worker, ends a pause on new credentials as the app does.
 */
@Module({
  imports: [OrganizationsModule, WriteQueueModule, NotificationsModule, SyncEventsModule, WebhookDeliveriesModule],
  providers: [ServerAuthPauseService, ApiServerChangeFollower],
  exports: [ServerAuthPauseService],
})
export class CredentialsPauseModule {}
