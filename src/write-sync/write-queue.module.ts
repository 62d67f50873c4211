import { Module } from '@nestjs/common';
import { WriteQueueService } from './write-queue.service';

/** The queue's state changes, on their own so that ConflictModule (re-queueing) and WriteSyncModule (the worker) can share them. */
@Module({
  providers: [WriteQueueService],
  exports: [WriteQueueService],
})
export class WriteQueueModule {}
