import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventStreamSlots } from './event-stream-slots';
import { SyncEventsController } from './sync-events.controller';
import { SyncEventsService } from './sync-events.service';

@Module({
  imports: [AuthModule],
  controllers: [SyncEventsController],
  providers: [SyncEventsService, EventStreamSlots],
  exports: [SyncEventsService],
})
export class SyncEventsModule {}
