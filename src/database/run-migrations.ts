import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Arbitrary but fixed: every instance of pems-sync takes the same lock before migrating. */
const MIGRATION_LOCK_ID = 727_150_001;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so that several instances
 * starting at once migrate one after the other; the later ones find nothing left to do.
 * The lock is session-level and held on one dedicated connection.
 */
export async function runMigrationsUnderLock(dataSource: DataSource, logger = new Logger('Migrations')): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0) logger.log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
