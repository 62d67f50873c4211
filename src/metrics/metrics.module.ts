import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { SyncMetricsService } from './sync-metrics.service';

@Module({
  controllers: [MetricsController],
  providers: [SyncMetricsService],
  exports: [SyncMetricsService],
})
export class MetricsModule {}
