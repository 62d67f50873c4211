import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PfaModule } from '../pfa/pfa.module';
import { SyncEventsModule } from '../sync-events/sync-events.module';
import { WebhookDeliveriesModule } from '../webhooks/webhook-deliveries.module';
import { WriteQueueModule } from '../write-queue/write-queue.module';
import { ConflictDetectionService } from './conflict-detection.service';
import { ConflictStore } from './conflict-store';
import { ConflictsController } from './conflicts.controller';
import { ConflictsService } from './conflicts.service';

@Module({
  imports: [PfaModule, WriteQueueModule, SyncEventsModule, AuditModule, NotificationsModule, WebhookDeliveriesModule],
  controllers: [ConflictsController],
  providers: [ConflictDetectionService, ConflictStore, ConflictsService],
  exports: [ConflictDetectionService, ConflictStore],
})
export class ConflictModule {}
