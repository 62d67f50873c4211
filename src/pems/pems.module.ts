import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiServer } from '../organizations/entities/api-server.entity';
import { PemsTenant } from '../organizations/entities/pems-tenant.entity';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PemsHostsModule } from '../pems-hosts/pems-hosts.module';
import { PemsRateLimiter } from './client/pems-rate-limiter';
import { PemsClient } from './client/pems.client';
import { PemsConnectionFactory } from './pems-connection.factory';
import { PostgresPemsRateLimiter } from './rate-limit/postgres-pems-rate-limiter';

/** How pems-sync speaks to PEMS: the client, the rate limiter every instance shares, an organization's connection. */
@Module({
  imports: [HttpModule, TypeOrmModule.forFeature([ApiServer, PemsTenant]), OrganizationsModule, PemsHostsModule],
  providers: [PemsClient, PostgresPemsRateLimiter, { provide: PemsRateLimiter, useExisting: PostgresPemsRateLimiter }, PemsConnectionFactory],
  exports: [PemsClient, PemsRateLimiter, PemsConnectionFactory],
})
export class PemsModule {}
