import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AppProcess, startAppProcess } from '../../support/app-process';
import { ThreadedPemsSimulator } from '../../support/threaded-simulator';
import { LaunchedBrowser, launchChromium } from './browser';
import { SimulatorControl } from './simulator-control';

const run = promisify(execFile);

export const ORGANIZATION = 'WEB';
const TENANT = 'WEB_TENANT';
const PEMS_CREDENTIALS = { username: 'svc-console', password: 'console-pems-password' };

export interface ConsoleUser {
  username: string;
  password: string;
}

/** Holds perm_Read, perm_Edit, perm_Sync and perm_Admin in WEB. */
export const PLANNER: ConsoleUser = { username: 'planner', password: 'Planner password for the console tests 1' };
/** Holds perm_Read only in WEB. */
export const VIEWER: ConsoleUser = { username: 'viewer', password: 'Viewer password for the console tests 2' };
/** Holds perm_Read in WEB and in SECOND_ORGANIZATION (which has no records): the console offers a choice. */
export const AUDITOR: ConsoleUser = { username: 'auditor', password: 'Auditor password for the console tests 3' };
export const SECOND_ORGANIZATION = 'WEB2';
/** Holds perm_Read and perm_Sync in WEB: resolves conflicts beside PLANNER, and hears of each one created. */
export const COORDINATOR: ConsoleUser = { username: 'coordinator', password: 'Coordinator password for the console tests 4' };

export interface ApiAnswer {
  status: number;
  body: any;
}

export interface ConsoleHarness {
  /** The app's origin, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  organizationId: string;
  simulator: SimulatorControl;
  browser: LaunchedBrowser;
  app: AppProcess;
  /** A call to the app's API as PLANNER (signed in again if a test revoked the token). */
  api(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** One SQL statement on the app's database (for what no API does: a token revoked as a password change would). */
  sql(text: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Names the database and the app's log file. */
  name: string;
  /** Records seeded in the simulator (PFA-10001 ...) and read into the mirror before the tests. */
  records: number;
  /** Extra records put in the simulator as they are (pfaId -> fields) before the read sync. */
  extraRecords?: Record<string, Record<string, unknown>>;
  /** Environment of the app, over the defaults below. */
  appEnv?: Record<string, string>;
}

/** The same URL pointing at another database of the same server. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer(serverUrl: string, statements: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await statements(client);
  } finally {
    await client.end();
  }
}

/** `npm run cli -- seed <file>`, as an operator would run it (without npm and type checks, to save seconds). */
async function seed(databaseUrl: string, file: unknown): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'pems-sync-browser-seed-'));
  const path = join(folder, 'seed.json');
  writeFileSync(path, JSON.stringify(file, null, 2));
  try {
    await run(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'src/cli/cli.ts', 'seed', path], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', DATABASE_URL: databaseUrl },
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run cli -- seed failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function call(baseUrl: string, method: string, path: string, body: unknown, token?: string): Promise<ApiAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: the text as it is.
  }
  return { status: response.status, body: parsed };
}

/**
 * What one test file drives: a database of its own on the tests' PostgreSQL server, a PEMS
 * simulator on loopback (its control API under /__sim), the real app in a child process
 * (src/main.ts, write-sync worker on, a fast schedule) and one headless chromium. The
 * organization WEB, its API server (the simulator) and the users PLANNER, VIEWER and COORDINATOR come from
 * the seed CLI (and WEB2, empty, and AUDITOR, a member of both); WEB's records from the simulator through a read sync.
 */
export async function startConsoleHarness(options: HarnessOptions): Promise<ConsoleHarness> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is not set: the browser project runs with its global setup (jest --selectProjects browser)');
  const database = `pems_browser_${options.name.replace(/\W/g, '_')}_${Date.now()}`;
  const databaseUrl = withDatabase(serverUrl, database);
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => process.stderr.write(`browser harness cleanup: ${error.message}\n`));
  };

  try {
    await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).then(() => undefined));
    cleanups.push(() =>
      onServer(serverUrl, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)}`);
      }),
    );

    const threaded = new ThreadedPemsSimulator({ tenants: { [TENANT]: PEMS_CREDENTIALS }, rateLimitPerSecond: 10 });
    const [{ baseUrl: pemsUrl }, browser] = await Promise.all([threaded.start(0, '127.0.0.1'), launchChromium()]);
    cleanups.push(() => threaded.stop());
    cleanups.push(() => browser.close());
    const simulator = new SimulatorControl(`${new URL(pemsUrl).origin}/__sim`, ORGANIZATION);

    const app = await startAppProcess({
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'test',
      ENABLE_PEMS_WRITE_SYNC: 'true',
      PEMS_WRITE_SYNC_SCHEDULE: '*/2 * * * * *',
      PEMS_WRITE_SYNC_RETRY_DELAYS_MS: '4000',
      PEMS_ALLOWED_HOSTS: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_FILE: `logs/browser-${options.name}.log`,
      ...options.appEnv,
    });
    cleanups.push(() => app.kill('SIGTERM'));
    const baseUrl = `http://127.0.0.1:${app.port}`;

    await seed(databaseUrl, {
      organizations: [
        {
          code: ORGANIZATION,
          name: 'Web console project',
          apiServer: { name: 'PEMS simulator', baseUrl: pemsUrl, tenant: TENANT, authType: 'basic', ...PEMS_CREDENTIALS, writeEnabled: true, rateLimitPerSecond: 10 },
        },
        { code: SECOND_ORGANIZATION, name: 'Second project' },
      ],
      users: [
        { ...PLANNER, email: 'planner@example.com', organizations: [{ code: ORGANIZATION, permissions: ['perm_Read', 'perm_Edit', 'perm_Sync', 'perm_Admin'] }] },
        { ...VIEWER, email: 'viewer@example.com', organizations: [{ code: ORGANIZATION, permissions: ['perm_Read'] }] },
        { ...COORDINATOR, email: 'coordinator@example.com', organizations: [{ code: ORGANIZATION, permissions: ['perm_Read', 'perm_Sync'] }] },
        {
          ...AUDITOR,
          email: 'auditor@example.com',
          organizations: [
            { code: ORGANIZATION, permissions: ['perm_Read'] },
            { code: SECOND_ORGANIZATION, permissions: ['perm_Read'] },
          ],
        },
      ],
    });

    const signIn = async () => {
      const login = await call(baseUrl, 'POST', '/api/auth/login', PLANNER);
      if (login.status !== 200) throw new Error(`The planner's login answered ${login.status}: ${JSON.stringify(login.body)}`);
      return login.body.accessToken as string;
    };
    let token = await signIn();
    // A test may revoke the planner's tokens (harness.sql): sign in again once.
    const api = async (method: string, path: string, body?: unknown) => {
      const answer = await call(baseUrl, method, path, body, token);
      if (answer.status !== 401) return answer;
      token = await signIn();
      return call(baseUrl, method, path, body, token);
    };
    const me = await api('GET', '/api/auth/me');
    const organizationId: string = me.body.organizations.find((organization: { code: string }) => organization.code === ORGANIZATION).organizationId;

    await simulator.seed(options.records, 2026);
    for (const [pfaId, data] of Object.entries(options.extraRecords ?? {})) await simulator.putRecord(pfaId, data);
    const readSync = await api('POST', '/api/pems/read-sync', { organizationId });
    if (readSync.status !== 200 && readSync.status !== 201) throw new Error(`The read sync answered ${readSync.status}: ${JSON.stringify(readSync.body)}`);

    const sql = (text: string, params: unknown[] = []) => onServer(databaseUrl, (client) => client.query(text, params).then(() => undefined));
    return { baseUrl, organizationId, simulator, browser, app, api, sql, close };
  } catch (error) {
    await close();
    throw error;
  }
}
