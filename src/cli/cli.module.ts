import { Module } from '@nestjs/common';
import { SeedModule } from '../admin/seed/seed.module';
import { AuthModule } from '../auth/auth.module';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';

/** What the operators' CLI needs: the database and the seeding service, no HTTP server or worker. */
@Module({
  imports: [AppConfigModule, DatabaseModule, AuthModule, SeedModule],
})
export class CliModule {}
