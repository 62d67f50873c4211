import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';

/** Where the database is: DATABASE_URL, or the embedded PostgreSQL, started on first use and stopped at shutdown. */
@Injectable()
export class DatabaseServerService implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private embedded?: Promise<EmbeddedPostgresHandle>;

  constructor(private readonly config: AppConfig) {}

  async connectionUrl(): Promise<string> {
    if (this.config.DATABASE_URL) return this.config.DATABASE_URL;
    this.embedded ??= startEmbeddedPostgres({ dataDir: this.config.DATA_DIR, port: this.config.EMBEDDED_POSTGRES_PORT, logger: this.logger });
    return (await this.embedded).url;
  }

  get isEmbedded(): boolean {
    return !this.config.DATABASE_URL;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.embedded) await (await this.embedded).stop();
  }
}
