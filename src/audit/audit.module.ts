import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../metrics/metrics.module';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditLogService } from './audit-log.service';
import { AuditLogEntry } from './entities/audit-log-entry.entity';

/** The audit of actions: an entry for each successful call of an @Audited endpoint (the global interceptor), and GET /api/audit. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntry]), MetricsModule],
  controllers: [AuditController],
  providers: [AuditLogService, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  // For the endpoints that keep one entry per item (a bulk resolution): their services write them.
  exports: [AuditLogService],
})
export class AuditModule {}
