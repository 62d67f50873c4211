import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../organizations/entities/organization.entity';
import { UserOrganization } from './entities/user-organization.entity';
import { User } from './entities/user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserOrganization, Organization])],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
