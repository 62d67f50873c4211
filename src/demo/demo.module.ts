import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../organizations/entities/organization.entity';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PemsModule } from '../pems/pems.module';
import { ReadSyncModule } from '../read-sync/read-sync.module';
import { PemsHostsModule } from '../pems-hosts/pems-hosts.module';
import { PfaRecord } from '../pfa/entities/pfa-record.entity';
import { UsersModule } from '../users/users.module';
import { DemoPemsService } from './demo-pems.service';
import { DemoSetupService } from './demo-setup.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organization, PfaRecord]), OrganizationsModule, UsersModule, PemsModule, ReadSyncModule, PemsHostsModule],
  providers: [DemoSetupService, DemoPemsService],
  exports: [DemoSetupService],
})
export class DemoModule {}
