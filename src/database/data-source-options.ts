import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';

/**
 * The one TypeORM options object. The app (DatabaseModule.forRoot) and the TypeORM CLI
 * (ormconfig.ts) both build on it, each with the entity list of src/entities.ts, which the
 * composition root hands in: the database module knows no feature's tables. Migrations only,
 * never `synchronize`.
 */
export function buildDataSourceOptions(url: string, entities: NonNullable<DataSourceOptions['entities']>): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    applicationName: 'pems-sync',
    extra: { max: 20, connectionTimeoutMillis: 10000 },
  };
}
