import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseServerService } from './database-server.service';
import { PgListenerService } from './pg-listener.service';
import { runMigrationsUnderLock } from './run-migrations';

@Module({
  providers: [DatabaseServerService, PgListenerService],
  exports: [DatabaseServerService, PgListenerService],
})
class DatabaseServerModule {}

/**
 * The TypeORM connection, for the entities the composition root hands in (src/entities.ts).
 * Migrations are applied before anything else can use the DataSource, under an advisory lock
 * (run-migrations.ts). Global, with the LISTEN connection: every module reads and writes its
 * own tables through it, and importing it into each would only repeat one line everywhere.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(entities: NonNullable<DataSourceOptions['entities']>): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        DatabaseServerModule,
        TypeOrmModule.forRootAsync({
          imports: [DatabaseServerModule],
          inject: [DatabaseServerService],
          useFactory: async (server: DatabaseServerService) => buildDataSourceOptions(await server.connectionUrl(), entities),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrationsUnderLock(dataSource);
            return dataSource;
          },
        }),
      ],
      exports: [DatabaseServerModule],
    };
  }
}
