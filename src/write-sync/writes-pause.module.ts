import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SyncEventsModule } from '../sync-events/sync-events.module';
import { WriteQueueModule } from '../write-queue/write-queue.module';
import { ServerWritesPauseController } from './server-writes-pause.controller';
import { ServerWritesPauseService } from './server-writes-pause.service';

/** An admin's pause of an organization's writes to PEMS: its one writer, and the admin routes that drive it. */
@Module({
  imports: [OrganizationsModule, WriteQueueModule, SyncEventsModule],
  controllers: [ServerWritesPauseController],
  providers: [ServerWritesPauseService],
  exports: [ServerWritesPauseService],
})
export class WritesPauseModule {}
