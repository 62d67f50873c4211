import { Global, Module } from '@nestjs/common';
import { EventStreamSlots } from './event-stream-slots';
import { SyncEventsController } from './sync-events.controller';
import { SyncEventsService } from './sync-events.service';

@Global()
@Module({
  controllers: [SyncEventsController],
  providers: [SyncEventsService, EventStreamSlots],
  exports: [SyncEventsService],
})
export class SyncEventsModule {}
