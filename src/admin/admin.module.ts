import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';

@Module({
  imports: [OrganizationsModule, UsersModule],
  controllers: [AdminController],
})
export class AdminModule {}
