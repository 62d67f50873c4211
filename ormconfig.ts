import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './src/database/data-source-options';
import { ENTITIES } from './src/entities';

/** Used by the TypeORM CLI (`npm run migration:*`): point DATABASE_URL at the database to migrate (the embedded one listens on 127.0.0.1:54329). */
export default new DataSource(buildDataSourceOptions(process.env.DATABASE_URL || 'postgres://pems_sync@127.0.0.1:54329/pems_sync', ENTITIES));
