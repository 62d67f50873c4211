import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';

/**
 * Empties every table of the data model between tests; refuses to run unless NODE_ENV=test.
 * A worker of the app under test may be mid-query, so a deadlock is retried.
 */
export async function cleanDatabase(dataSource: DataSource): Promise<void> {
  if (process.env.NODE_ENV !== 'test') throw new Error('cleanDatabase refuses to run unless NODE_ENV=test');
  const tables = dataSource.entityMetadatas.map((metadata) => `"${metadata.tableName}"`);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await dataSource.query(`TRUNCATE ${tables.join(', ')} CASCADE`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
      await sleep(50 * attempt);
    }
  }
}
