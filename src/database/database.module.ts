import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../ormconfig';
import { DatabaseServerService } from './database-server.service';
import { PgListenerService } from './pg-listener.service';
import { runMigrationsUnderLock } from './run-migrations';

@Module({
  providers: [DatabaseServerService, PgListenerService],
  exports: [DatabaseServerService, PgListenerService],
})
class DatabaseServerModule {}

/**
 * The TypeORM connection. Migrations are applied before anything else can use the
 * DataSource, under an advisory lock (run-migrations.ts). Global, with the LISTEN connection.
 */
@Global()
@Module({
  imports: [
    DatabaseServerModule,
    TypeOrmModule.forRootAsync({
      imports: [DatabaseServerModule],
      inject: [DatabaseServerService],
      useFactory: async (server: DatabaseServerService) => buildDataSourceOptions(await server.connectionUrl()),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrationsUnderLock(dataSource);
        return dataSource;
      },
    }),
  ],
  exports: [DatabaseServerModule],
})
export class DatabaseModule {}
