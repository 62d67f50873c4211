import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WriteSyncModule } from '../write-sync/write-sync.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), WriteSyncModule],
  controllers: [HealthController],
})
export class HealthModule {}
