import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PemsHostsModule } from '../pems-hosts/pems-hosts.module';
import { ApiServerEvents } from './api-server-events';
import { CredentialsCipher } from './credentials-cipher.service';
import { CredentialsUpgrade } from './credentials-upgrade.service';
import { ApiServerChange } from './entities/api-server-change.entity';
import { ApiServer } from './entities/api-server.entity';
import { Organization } from './entities/organization.entity';
import { PemsTenant } from './entities/pems-tenant.entity';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organization, ApiServer, ApiServerChange, PemsTenant]), PemsHostsModule],
  providers: [OrganizationsService, CredentialsCipher, CredentialsUpgrade, ApiServerEvents],
  exports: [OrganizationsService, CredentialsCipher, ApiServerEvents, TypeOrmModule],
})
export class OrganizationsModule {}
