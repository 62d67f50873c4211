import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../../organizations/entities/organization.entity';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { UsersModule } from '../../users/users.module';
import { SeedService } from './seed.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organization]), OrganizationsModule, UsersModule],
  providers: [SeedService],
  exports: [SeedService],
})
export class SeedModule {}
