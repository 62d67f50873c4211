import { Module } from '@nestjs/common';
import { PfaModule } from '../pfa/pfa.module';
import { ModificationDiscardController } from './modification-discard.controller';
import { WriteQueueOperationsService } from './write-queue-operations.service';
import { WriteQueueController } from './write-queue.controller';
import { WriteQueueService } from './write-queue.service';

/**
 * The queue of writes waiting for PEMS: its one writer (WriteQueueService), shared by the
 * write-sync worker and API and by conflict resolution (re-queueing), and what people do with
 * it (look, retry, cancel, discard).
 */
@Module({
  imports: [PfaModule],
  controllers: [WriteQueueController, ModificationDiscardController],
  providers: [WriteQueueService, WriteQueueOperationsService],
  exports: [WriteQueueService],
})
export class WriteQueueModule {}
