import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiServer } from '../organizations/entities/api-server.entity';
import { PemsTenant } from '../organizations/entities/pems-tenant.entity';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PemsHostsModule } from '../pems-hosts/pems-hosts.module';
import { PfaModule } from '../pfa/pfa.module';
import { PemsRateLimiter } from './client/pems-rate-limiter';
import { PemsClient } from './client/pems.client';
import { PemsConnectionFactory } from './pems-connection.factory';
import { PostgresPemsRateLimiter } from './rate-limit/postgres-pems-rate-limiter';
import { PemsReadSyncController } from './read-sync/pems-read-sync.controller';
import { PemsReadSyncScheduler } from './read-sync/pems-read-sync.scheduler';
import { PemsReadSyncService } from './read-sync/pems-read-sync.service';

/** Everything that speaks to PEMS: the client, the shared rate limiter, read sync. */
@Module({
  imports: [HttpModule, TypeOrmModule.forFeature([ApiServer, PemsTenant]), OrganizationsModule, PemsHostsModule, PfaModule],
  controllers: [PemsReadSyncController],
  providers: [
    PemsClient,
    PostgresPemsRateLimiter,
    { provide: PemsRateLimiter, useExisting: PostgresPemsRateLimiter },
    PemsConnectionFactory,
    PemsReadSyncService,
    PemsReadSyncScheduler,
  ],
  exports: [PemsClient, PemsRateLimiter, PemsConnectionFactory, PemsReadSyncService],
})
export class PemsModule {}
