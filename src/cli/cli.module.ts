import { Module } from '@nestjs/common';
import { SeedModule } from '../admin/seed/seed.module';
import { AuthModule } from '../auth/auth.module';
import { AppConfigModule } from '../config/config.module';
import { ENTITIES } from '../entities';
import { DatabaseModule } from '../database/database.module';
import { CredentialsPauseModule } from '../write-sync/credentials-pause.module';

/** What the operators' CLI needs: the database, the seeding service and what follows a server's change (CredentialsPauseModule); no HTTP server or worker. */
@Module({
  imports: [AppConfigModule, DatabaseModule.forRoot(ENTITIES), AuthModule, SeedModule, CredentialsPauseModule],
})
export class CliModule {}
