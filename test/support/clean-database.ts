import { DataSource } from 'typeorm';

/** Empties every table of the data model between tests; refuses to run outside NODE_ENV=test. */
export async function cleanDatabase(dataSource: DataSource): Promise<void> {
  if (process.env.NODE_ENV !== 'test') throw new Error('cleanDatabase refuses to run unless NODE_ENV=test');
  const tables = dataSource.entityMetadatas.map((metadata) => `"${metadata.tableName}"`);
  await dataSource.query(`TRUNCATE ${tables.join(', ')} CASCADE`);
}
