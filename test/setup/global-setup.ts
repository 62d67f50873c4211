import { Logger } from '@nestjs/common';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { forgetUndecided } from '../support/undecided-measurements';

/**
 * The e2e tests need a real PostgreSQL. CI and most machines give one through DATABASE_URL;
 * without it, an embedded PostgreSQL of the tests' own is started (data in .data/test-postgres).
 */
export default async function globalSetup(): Promise<void> {
  forgetUndecided();
  if (process.env.DATABASE_URL) return;
  // The server's own log lines (connections reset by tests that end, checkpoints) are noise in a test run.
  Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);
  const handle = await startEmbeddedPostgres({ dataDir: '.data/test', port: Number(process.env.TEST_EMBEDDED_POSTGRES_PORT ?? 54339), database: 'pems_sync_test' });
  process.env.DATABASE_URL = handle.url;
  (globalThis as { __embeddedPostgres?: typeof handle }).__embeddedPostgres = handle;
}
