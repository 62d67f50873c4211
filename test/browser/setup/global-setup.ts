import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import e2eGlobalSetup from '../../setup/global-setup';
import { CHROMIUM_PATH } from '../support/browser';

/**
 * The browser tests' setup: the console built from web/ (`npm run build:web`) (the
 * app serves web/dist at /), and the e2e tests' PostgreSQL (DATABASE_URL, else the embedded one
 * the e2e setup starts; when both projects run, the first setup starts it and the second finds
 * DATABASE_URL set). Each test file then creates a database of its own on that server.
 */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`The browser tests need chromium at ${CHROMIUM_PATH} (Debian: apt-get install -y chromium). See docs/console-tests.md.`);
  }
  const root = join(__dirname, '..', '..', '..');
  try {
    // The same build as `npm start` and `npm run build` make (its config lives in package.json's script).
    execFileSync('npm', ['run', '--silent', 'build:web', '--', '--logLevel', 'warn'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`Building the console (npm run build:web) failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`, { cause: error });
  }
  const databaseWasGiven = Boolean(process.env.DATABASE_URL);
  await e2eGlobalSetup();
  (globalThis as { __browserStartedPostgres?: boolean }).__browserStartedPostgres = !databaseWasGiven && Boolean(process.env.DATABASE_URL);
}
