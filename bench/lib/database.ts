import { Client } from 'pg';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../src/database/embedded-postgres';

type DatabaseSource = 'BENCH_DATABASE_URL' | 'DATABASE_URL' | 'embedded';

export interface BenchDatabase {
  /** What the app and the harness connect to. */
  url: string;
  source: DatabaseSource;
  /** A database created for this run (dropped at the end), or null when BENCH_DATABASE_URL was given. */
  createdDatabase: string | null;
  /** Drops the database created for this run and stops the embedded server if this run started it. */
  cleanup(): Promise<void>;
}

/** The same URL pointing at another database of the same server. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function createDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * BENCH_DATABASE_URL as given (its tables are emptied); else a fresh `pems_sync_bench_<timestamp>`
 * on DATABASE_URL's server; else the embedded PostgreSQL in .data/bench on port 54369, with a fresh
 * database of the same name. A database this run created is dropped at the end.
 */
export async function provisionDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    log('Database: BENCH_DATABASE_URL (its pems-sync tables are emptied)');
    return { url: given, source: 'BENCH_DATABASE_URL', createdDatabase: null, cleanup: async () => undefined };
  }
  const database = `pems_sync_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    await createDatabase(serverUrl, database);
    log(`Database: ${database} created on DATABASE_URL's server`);
    return { url: withDatabase(serverUrl, database), source: 'DATABASE_URL', createdDatabase: database, cleanup: () => dropDatabase(serverUrl, database) };
  }
  const started = Date.now();
  const handle: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir: '.data/bench', port: 54369 });
  await createDatabase(handle.url, database);
  log(`Database: embedded PostgreSQL on 127.0.0.1:54369 (data in .data/bench, up in ${Date.now() - started} ms), database ${database}`);
  return {
    url: withDatabase(handle.url, database),
    source: 'embedded',
    createdDatabase: database,
    cleanup: async () => {
      await dropDatabase(handle.url, database).catch(() => undefined);
      await handle.stop();
    },
  };
}
