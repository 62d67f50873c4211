import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Page } from 'playwright-core';
import { PasswordHasher } from '../../src/auth/password-hasher.service';
import { CONSOLE_DIST } from '../../src/console/console.module';
import { launchChromium } from '../../test/browser/support/browser';
import { BenchApp } from '../lib/app';
import { BenchContext } from '../lib/context';
import { round } from '../lib/stats';

/** Median and max of a few runs, ms, with the runs themselves. */
export interface RunTimes {
  runs: number[];
  median: number;
  max: number;
}

export interface ConsoleResult {
  /** Records of the organization the page lists (its first page of 50 is what is timed). */
  records: number;
  /**
   * From navigation start (the page's time origin) to the first animation frame in which the
   * records table has a row, per navigation to /records: `cold` in a new browser context (no
   * cache: index.html, the JavaScript and the API calls), `warm` in the same page again (the
   * hashed JavaScript cached).
   */
  firstRowMs: { cold: RunTimes; warm: RunTimes };
  /** Where a cold run's time goes, from navigation start: the console's JavaScript received, the records list (GET /api/pfa) answered. */
  coldBreakdownMs: { scriptReceived: RunTimes; recordsAnswered: RunTimes };
  /** From the PATCH response of an edit arriving at the browser (page.waitForResponse) to the role=status "Saved" visible. */
  savedAfterResponseMs: RunTimes;
  /** The JavaScript index.html loads (scripts and module preloads) on the first visit, raw and gzipped (zlib, level 6 like a default nginx/express gzip would be close to). */
  firstLoadJs: { files: Array<{ file: string; bytes: number; gzipBytes: number }>; bytes: number; gzipBytes: number };
}

const CONSOLE_USER = { username: 'bench-console', password: 'Bench console password 2026' };

function runTimes(values: number[]): RunTimes {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { runs: values.map((value) => round(value, 1)), median: round(median, 1), max: round(Math.max(...values), 1) };
}

/** The JavaScript web/dist/index.html makes the browser fetch before anything shows: its script tags and modulepreload links. */
function firstLoadJs(): ConsoleResult['firstLoadJs'] {
  const html = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
  const sources = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((match) => match[1]);
  const files = [...new Set(sources)].map((source) => {
    const content = readFileSync(join(CONSOLE_DIST, source.replace(/^\//, '')));
    return { file: source, bytes: content.length, gzipBytes: gzipSync(content, { level: 6 }).length };
  });
  return { files, bytes: files.reduce((sum, file) => sum + file.bytes, 0), gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0) };
}

/** Watches, from the page's first script on, for the first animation frame in which a table body has a row; keeps its performance.now(). */
const FIRST_ROW_WATCH = `(() => {
  const check = () => {
    if (document.querySelector('main table tbody tr')) { window.__firstRowAt = performance.now(); return; }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

/** When (ms from navigation start) the last response of each kind ended: the JavaScript under /assets/, the records list. */
function milestones(page: Page): Promise<{ scriptReceived: number; recordsAnswered: number }> {
  return page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const end = (match: (url: URL) => boolean) => Math.max(0, ...entries.filter((entry) => match(new URL(entry.name))).map((entry) => entry.responseEnd));
    return { scriptReceived: end((url) => url.pathname.startsWith('/assets/') && url.pathname.endsWith('.js')), recordsAnswered: end((url) => url.pathname === '/api/pfa') };
  });
}

async function firstRowAt(page: Page): Promise<number> {
  // The row the watch saw must be the records table's, as a person would find it.
  await page.getByRole('table', { name: 'PFA records' }).getByRole('row').nth(1).waitFor({ state: 'visible', timeout: 30_000 });
  const at = await page.evaluate(() => (window as { __firstRowAt?: number }).__firstRowAt);
  if (typeof at !== 'number') throw new Error('The first-row watch saw no row');
  return at;
}

/**
 * The console's page times on the bench's 10,000-record organization, in Debian's chromium
 * (headless, through playwright-core): the records page's first row, an edit's "Saved" after
 * its answer, and the JavaScript of the first load. Printed figures, not timed assertions.
 * The console is built first (npm run build:web) so that what is timed is the current source;
 * the app serves web/dist only if it held a build when the app booted.
 */
export async function runConsole(ctx: BenchContext, app: BenchApp, runs = 5): Promise<ConsoleResult> {
  const root = join(__dirname, '..', '..');
  execFileSync('npm', ['run', '--silent', 'build:web', '--', '--logLevel', 'warn'], { cwd: root, stdio: 'pipe' });
  const index = await fetch(`${app.url}/records`);
  if (index.status !== 200 || !(await index.text()).includes('id="root"')) {
    throw new Error('The app does not serve the console: web/dist had no build when it booted. Run `npm run build:web`, then the benchmark again.');
  }
  const {
    rows: [{ count: records }],
  } = await ctx.db.query<{ count: number }>('SELECT count(*)::int AS count FROM pfa_records WHERE organization_id = $1', [ctx.principal.organizationId]);

  const passwordHash = await app.app.get(PasswordHasher).hash(CONSOLE_USER.password);
  const {
    rows: [user],
  } = await ctx.db.query<{ id: string }>(
    `INSERT INTO users (username, email, password_hash, is_active, is_superadmin) VALUES ($1, $2, $3, true, false)
     ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash RETURNING id`,
    [CONSOLE_USER.username, `${CONSOLE_USER.username}@example.com`, passwordHash],
  );
  await ctx.db.query(
    `INSERT INTO user_organizations (user_id, organization_id, perm_read, perm_edit, perm_sync, perm_admin) VALUES ($1, $2, true, true, true, true)
     ON CONFLICT DO NOTHING`,
    [user.id, ctx.principal.organizationId],
  );

  const browser = await launchChromium();
  try {
    // Signed in once; each cold run starts a new context with the session the console keeps in sessionStorage.
    const signIn = await browser.newContext();
    const first = await signIn.newPage();
    await first.goto(`${app.url}/login`);
    await first.getByLabel('Username', { exact: true }).fill(CONSOLE_USER.username);
    await first.getByLabel('Password', { exact: true }).fill(CONSOLE_USER.password);
    await first.getByRole('button', { name: 'Sign in', exact: true }).click();
    await first.getByRole('heading', { level: 1, name: 'Records' }).waitFor({ timeout: 30_000 });
    const session = await first.evaluate(() => Object.fromEntries(Object.keys(sessionStorage).map((key) => [key, sessionStorage.getItem(key) ?? ''])));
    await signIn.close();

    const cold: number[] = [];
    const scriptReceived: number[] = [];
    const recordsAnswered: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const context = await browser.newContext();
      await context.addInitScript((entries: Record<string, string>) => {
        if (sessionStorage.length === 0) for (const [key, value] of Object.entries(entries)) sessionStorage.setItem(key, value);
      }, session);
      await context.addInitScript(FIRST_ROW_WATCH);
      const page = await context.newPage();
      await page.goto(`${app.url}/records`, { waitUntil: 'commit' });
      cold.push(await firstRowAt(page));
      const marks = await milestones(page);
      scriptReceived.push(marks.scriptReceived);
      recordsAnswered.push(marks.recordsAnswered);
      await context.close();
    }

    const context = await browser.newContext();
    await context.addInitScript((entries: Record<string, string>) => {
      if (sessionStorage.length === 0) for (const [key, value] of Object.entries(entries)) sessionStorage.setItem(key, value);
    }, session);
    await context.addInitScript(FIRST_ROW_WATCH);
    const page = await context.newPage();
    await page.goto(`${app.url}/records`, { waitUntil: 'commit' });
    await firstRowAt(page);
    const warm: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      await page.goto(`${app.url}/records`, { waitUntil: 'commit' });
      warm.push(await firstRowAt(page));
    }
    ctx.log(`  console: first row of /records (${records.toLocaleString('en')} records), cold ${runTimes(cold).median} ms median, warm ${runTimes(warm).median} ms median`);

    // An edit of the first record, saved `runs` times: from its PATCH answer to "Saved" shown.
    await page.getByRole('table', { name: 'PFA records' }).getByRole('row').nth(1).getByRole('link').first().click();
    const edit = page.getByRole('button', { name: 'Edit', exact: true });
    await edit.waitFor({ timeout: 30_000 });
    const saved: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      await edit.click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Model', { exact: true }).fill(`Console bench ${Date.now()}-${run}`);
      const answered = page.waitForResponse((response) => response.request().method() === 'PATCH' && response.url().includes('/api/pfa/'));
      await dialog.getByRole('button', { name: 'Save', exact: true }).click();
      const response = await answered;
      const at = performance.now();
      if (response.status() !== 201) throw new Error(`The edit answered ${response.status()}: ${await response.text()}`);
      await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor({ state: 'visible', timeout: 30_000 });
      saved.push(performance.now() - at);
    }
    await context.close();

    const result: ConsoleResult = {
      records,
      firstRowMs: { cold: runTimes(cold), warm: runTimes(warm) },
      coldBreakdownMs: { scriptReceived: runTimes(scriptReceived), recordsAnswered: runTimes(recordsAnswered) },
      savedAfterResponseMs: runTimes(saved),
      firstLoadJs: firstLoadJs(),
    };
    ctx.log(
      `  console: "Saved" ${result.savedAfterResponseMs.median} ms median after the PATCH answer; first-load JavaScript ${result.firstLoadJs.gzipBytes.toLocaleString('en')} bytes gzipped`,
    );
    return result;
  } finally {
    await browser.close();
  }
}
