import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConflictModule } from '../conflicts/conflict.module';
import { PemsModule } from '../pems/pems.module';
import { PfaModule } from '../pfa/pfa.module';
import { ValidationModule } from '../validation/validation.module';
import { ServerAuthPauseService } from './server-auth-pause.service';
import { SyncStatusService } from './sync-status.service';
import { WriteCompletionBatcher } from './write-completion.batcher';
import { WriteItemProcessor } from './write-item.processor';
import { WriteQueueModule } from '../write-queue/write-queue.module';
import { WriteSyncController } from './write-sync.controller';
import { WriteSyncHealthIndicator } from './write-sync.health';
import { WriteSyncService } from './write-sync.service';
import { WriteSyncWorker } from './write-sync.worker';

@Module({
  imports: [TerminusModule, WriteQueueModule, ConflictModule, PemsModule, PfaModule, ValidationModule],
  controllers: [WriteSyncController],
  providers: [WriteSyncService, WriteSyncWorker, WriteItemProcessor, WriteCompletionBatcher, ServerAuthPauseService, SyncStatusService, WriteSyncHealthIndicator],
  exports: [WriteSyncWorker, WriteSyncHealthIndicator],
})
export class WriteSyncModule {}
