import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { SyncMetricsService } from './sync-metrics.service';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [SyncMetricsService],
  exports: [SyncMetricsService],
})
export class MetricsModule {}
