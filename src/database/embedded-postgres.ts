import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Folder that holds `postgres/` (the cluster) and `embedded-postgres.json` (its password). */
  dataDir: string;
  port: number;
  database?: string;
  logger?: Logger;
}

export interface EmbeddedPostgresHandle {
  url: string;
  dataDir: string;
  /** Stops the server if this process started it; a server shared with another live process is left running. */
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

/**
 * embedded-postgres is an ES module. TypeScript compiles `import()` to `require()` under
 * CommonJS, which cannot load it, so the dynamic import is kept out of the compiler's sight.
 */
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: EmbeddedPostgresConstructor }>;

const USER = 'postgres';

/**
 * Starts (or adopts) the PostgreSQL server of demo mode and development: data in
 * DATA_DIR/postgres, on a port of its own, running as the `postgres` system user when we
 * are root. A server left running by a killed process of ours is stopped and started
 * again; one that belongs to a live process of ours (say the app while the CLI runs) is
 * shared.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const logger = options.logger ?? new Logger('EmbeddedPostgres');
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'postgres');
  const database = options.database ?? 'pems_sync';
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  assertReachableByPostgresUser(dataDir);
  const password = readOrCreatePassword(dataDir);
  const ownerFile = join(dataDir, 'postgres.owner');
  const portFile = join(dataDir, 'postgres.port');
  let port = readPort(portFile) ?? options.port;
  const urlFor = (onPort: number) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${onPort}/${database}`;

  const running = readPostmasterPid(clusterDir);
  if (running !== null && isPostgresProcess(running)) {
    const owner = readOwner(ownerFile);
    if (owner !== null && owner !== process.pid && isAlive(owner)) {
      logger.log(`Sharing the embedded PostgreSQL of process ${owner} (data in ${clusterDir})`);
      await ensureDatabase(port, password, database);
      return { url: urlFor(port), dataDir: clusterDir, stop: async () => undefined };
    }
    logger.warn(`An embedded PostgreSQL (pid ${running}) was left running by a process that is gone; stopping it`);
    await stopOrphan(running, clusterDir);
  }
  // Another program (the embedded server of another checkout, say) may hold the port: take a
  // free one, and remember it in DATA_DIR so that this data keeps its port.
  if (!(await isPortFree(port))) {
    const taken = port;
    port = await freePort();
    logger.warn(`Port ${taken} is held by another program; the embedded PostgreSQL uses port ${port} instead (remembered in ${portFile})`);
  }
  writeFileSync(portFile, String(port));
  const url = urlFor(port);

  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const recentOutput: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      recentOutput.push(message.trim());
      recentOutput.splice(0, recentOutput.length - 20);
      logger.verbose(message.trim());
    },
    onError: (error: unknown) => logger.error(error instanceof Error ? error.message : String(error)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    logger.log(`Creating the embedded PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  // embedded-postgres rejects with nothing when the server exits at start; say why.
  await server.start().catch((error: unknown) => {
    throw new Error(`The embedded PostgreSQL did not start on port ${port}: ${error instanceof Error ? error.message : recentOutput.join(' | ')}`);
  });
  writeFileSync(ownerFile, String(process.pid));
  await ensureDatabase(port, password, database);
  logger.log(`Embedded PostgreSQL on 127.0.0.1:${port}, data in ${clusterDir}`);

  return {
    url,
    dataDir: clusterDir,
    stop: async () => {
      await server.stop();
      if (readOwner(ownerFile) === process.pid) writeFileSync(ownerFile, '');
    },
  };
}

/**
 * As root, the server runs as the `postgres` system user, which must be able to pass through
 * every folder above the data folder. A clone inside a private folder (mode 700) is the
 * usual trap; say so plainly instead of letting initdb fail obscurely.
 */
function assertReachableByPostgresUser(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let folder = dataDir; ; folder = dirname(folder)) {
    const { mode, uid } = statSync(folder);
    if (uid === 0 && (mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${folder}. Allow it (chmod o+x ${folder}) or set DATA_DIR to a folder it can reach, e.g. /var/lib/pems-sync.`,
      );
    }
    if (folder === dirname(folder)) return;
  }
}

function readOrCreatePassword(dataDir: string): string {
  const file = join(dataDir, 'embedded-postgres.json');
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { password: string }).password;
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, JSON.stringify({ password }), { mode: 0o600 });
  return password;
}

function readPostmasterPid(clusterDir: string): number | null {
  const file = join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function readOwner(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a stale postmaster.pid may since have gone to another program: only a live postgres counts. */
function isPostgresProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync(cmdline) || readFileSync(cmdline, 'utf8').includes('postgres');
}

/** SIGINT is PostgreSQL's "fast shutdown": it ends sessions and stops cleanly. */
async function stopOrphan(pid: number, clusterDir: string): Promise<void> {
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) || readPostmasterPid(clusterDir) === pid) {
    if (Date.now() > deadline) throw new Error(`The old embedded PostgreSQL (pid ${pid}) did not stop; stop it by hand and start again`);
    await new Promise((resolvePause) => setTimeout(resolvePause, 100));
  }
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** The port this data directory's server was last given, if one was remembered. */
function readPort(file: string): number | null {
  if (!existsSync(file)) return null;
  const port = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

/** Whether nothing listens on 127.0.0.1:`port` (we could listen there ourselves). */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A port the system has free now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
