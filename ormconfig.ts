import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './src/database/entities';

/**
 * The one TypeORM options object. The app (DatabaseModule) and the TypeORM CLI
 * (`npm run migration:*`, which uses the default export below) both build on it.
 * Migrations only, never `synchronize`.
 */
export function buildDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    applicationName: 'pems-sync',
    extra: { max: 20, connectionTimeoutMillis: 10000 },
  };
}

/** Used by the TypeORM CLI: point DATABASE_URL at the database to migrate (the embedded one listens on 127.0.0.1:54329). */
export default new DataSource(
  buildDataSourceOptions(process.env.DATABASE_URL || 'postgres://pems_sync@127.0.0.1:54329/pems_sync'),
);
