import { Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/**
 * Notifications stored per user (docs/notifications.md). It imports no feature module: the owners
 * of the state changes (write sync, conflicts) import it and call NotificationsService inside their
 * transactions, so the dependency points one way.
 */
@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
