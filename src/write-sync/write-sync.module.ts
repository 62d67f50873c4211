import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConflictModule } from '../conflicts/conflict.module';
import { MetricsModule } from '../metrics/metrics.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PemsModule } from '../pems/pems.module';
import { SyncEventsModule } from '../sync-events/sync-events.module';
import { PfaModule } from '../pfa/pfa.module';
import { CredentialsPauseModule } from './credentials-pause.module';
import { ServerStateService } from './server-state.service';
import { SyncStatusService } from './sync-status.service';
import { SyncTimelineService } from './sync-timeline.service';
import { WriteCompletionBatcher } from './write-completion.batcher';
import { WriteConflictCheck } from './write-conflict-check';
import { WriteItemProcessor } from './write-item.processor';
import { WriteOutcomes } from './write-outcomes';
import { WriteQueueModule } from '../write-queue/write-queue.module';
import { WriteSyncController } from './write-sync.controller';
import { WriteSyncHealthIndicator } from './write-sync.health';
import { WriteSyncService } from './write-sync.service';
import { WriteSyncWorker } from './write-sync.worker';
import { WritesPauseModule } from './writes-pause.module';
import { WebhookDeliveriesModule } from '../webhooks/webhook-deliveries.module';

@Module({
  imports: [
    TerminusModule,
    MetricsModule,
    SyncEventsModule,
    CredentialsPauseModule,
    WritesPauseModule,
    WriteQueueModule,
    ConflictModule,
    PemsModule,
    PfaModule,
    NotificationsModule,
    WebhookDeliveriesModule,
  ],
  controllers: [WriteSyncController],
  providers: [
    WriteSyncService,
    WriteSyncWorker,
    WriteItemProcessor,
    WriteConflictCheck,
    WriteOutcomes,
    WriteCompletionBatcher,
    SyncStatusService,
    SyncTimelineService,
    ServerStateService,
    WriteSyncHealthIndicator,
  ],
  exports: [WriteSyncWorker, WriteSyncHealthIndicator],
})
export class WriteSyncModule {}
