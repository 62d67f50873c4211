import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { GlobalExceptionFilter } from './common/errors/global-exception.filter';
import { createValidationPipe } from './common/validation-pipe';
import { AppConfigModule } from './config/config.module';
import { ENTITIES } from './entities';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { ConflictModule } from './conflicts/conflict.module';
import { ConsoleModule } from './console/console.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PemsModule } from './pems/pems.module';
import { ReadSyncModule } from './read-sync/read-sync.module';
import { SyncEventsModule } from './sync-events/sync-events.module';
import { ThrottlingModule } from './throttling/throttling.module';
import { WriteQueueModule } from './write-queue/write-queue.module';
import { WriteSyncModule } from './write-sync/write-sync.module';
import { PfaModule } from './pfa/pfa.module';
import { UsersModule } from './users/users.module';
import { ValidationModule } from './validation/validation.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    AppConfigModule,
    DatabaseModule.forRoot(ENTITIES),
    ScheduleModule.forRoot(),
    AuthModule,
    ThrottlingModule,
    OrganizationsModule,
    UsersModule,
    AdminModule,
    ValidationModule,
    PfaModule,
    PemsModule,
    ReadSyncModule,
    SyncEventsModule,
    MetricsModule,
    ConflictModule,
    WriteQueueModule,
    WriteSyncModule,
    HealthModule,
    DemoModule,
    AuditModule,
    NotificationsModule,
    WebhooksModule,
    ConsoleModule.register(),
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: GlobalExceptionFilter },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AppModule {}
