import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { PostgresThrottlerStorage } from './postgres-throttler.storage';

/**
 * Per-user limits on the endpoints that make pems-sync call PEMS (read sync) or queue work for it
 * (write sync): SYNC_REQUESTS_PER_MINUTE each, counted in PostgreSQL across instances. Routes opt
 * in with @UseGuards(UserThrottlerGuard).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, getDataSourceToken()],
      useFactory: (config: AppConfig, dataSource: DataSource) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.SYNC_REQUESTS_PER_MINUTE, blockDuration: 60_000 }],
        storage: new PostgresThrottlerStorage(dataSource),
      }),
    }),
  ],
})
export class ThrottlingModule {}
