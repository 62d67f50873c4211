import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialsCipher } from './credentials-cipher.service';
import { ApiServer } from './entities/api-server.entity';
import { Organization } from './entities/organization.entity';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organization, ApiServer])],
  providers: [OrganizationsService, CredentialsCipher],
  exports: [OrganizationsService, CredentialsCipher, TypeOrmModule],
})
export class OrganizationsModule {}
