import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Locator, Page } from 'playwright-core';
import { ConsoleUser } from './console-harness';

/**
 * Steps and checks in the console's own terms: the accessible names and roles of
 * /work/console-contract.md section B (docs/console-tests.md lists them), so a test that
 * passes also shows that a screen reader finds each control by the name it is given.
 */

/** How long a check waits for the console to show something: page loads, the worker's sends. */
export const WAIT_MS = 15_000;

/** Polls `check` until it returns true (or a non-false value), or fails after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | false>, timeoutMs = WAIT_MS, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs} ms for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await sleep(intervalMs);
  }
}

/** Waits until the locator is visible. */
export async function visible(locator: Locator, timeout = WAIT_MS): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

export async function hidden(locator: Locator, timeout = WAIT_MS): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout });
}

/** The page's h1 with exactly this text. */
export function heading(page: Page, name: string): Locator {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

/**
 * Resolves once the header's first questions are answered (the notifications, the unresolved
 * conflicts) and the event stream is live: call it before the page opens, await it after. What
 * happens next is then news to the page (a toast), and no request of the opening is still on its way.
 */
export function headerSettled(page: Page): () => Promise<void> {
  const answered = Promise.all(
    ['/api/notifications', '/api/pems/conflicts'].map((path) => page.waitForResponse((response) => new URL(response.url()).pathname === path, { timeout: WAIT_MS })),
  );
  return async () => {
    await answered;
    await visible(page.getByRole('status').filter({ hasText: /^Live$/ }));
  };
}

/** Fills the sign-in form of /login and submits it. */
export async function signIn(page: Page, user: ConsoleUser): Promise<void> {
  await visible(page.getByLabel('Username', { exact: true }));
  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Opens `path` in `page`; the console sends a newcomer to /login, and after signing in back to `path`. */
export async function openSignedIn(page: Page, baseUrl: string, user: ConsoleUser, path: string, h1: string): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await signIn(page, user);
  await visible(heading(page, h1));
}

/** The main navigation's link `name`. */
export function navLink(page: Page, name: string): Locator {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/** The records table's row of `pfaId` (the row holding the link named `pfaId`). */
export function recordRow(page: Page, pfaId: string): Locator {
  return page
    .getByRole('table', { name: 'PFA records' })
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: pfaId, exact: true }) });
}

/** Searches the records page for `text` and waits for the row of `pfaId`. */
export async function searchRecords(page: Page, text: string, pfaId = text): Promise<Locator> {
  await page.getByRole('searchbox', { name: 'Search records' }).fill(text);
  return visible(recordRow(page, pfaId));
}

/** `data-sync-state` and text of the sync indicator inside `scope` (a records row, or the detail page). */
export async function syncIndicator(scope: Locator): Promise<{ state: string | null; text: string }> {
  const indicator = scope.locator('[data-sync-state]').first();
  return { state: await indicator.getAttribute('data-sync-state', { timeout: 2000 }), text: (await indicator.innerText({ timeout: 2000 })).trim() };
}

export const SYNC_STATE_TEXT: Record<string, string> = { draft: 'Draft', queued: 'Queued', syncing: 'Syncing', synced: 'Synced', conflict: 'Conflict', failed: 'Failed' };

/** Waits until the sync indicator inside `scope` says `state` (its attribute and its text both). */
export async function waitForSyncState(scope: Locator, state: keyof typeof SYNC_STATE_TEXT, timeoutMs = WAIT_MS): Promise<void> {
  await eventually(
    `the sync indicator to say ${state}`,
    async () => {
      const shown = await syncIndicator(scope);
      // The badge's text is its word, then (visually hidden, for screen readers) the time and the error.
      return shown.state === state && shown.text.startsWith(SYNC_STATE_TEXT[state]);
    },
    timeoutMs,
  );
}

/** The text of the elements `element`'s aria-describedby names, joined. */
export async function description(element: Locator): Promise<string> {
  return element.evaluate((node) =>
    (node.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
      .filter(Boolean)
      .join(' '),
  );
}

/** Whether `element` has the keyboard focus. */
export function isFocused(element: Locator): Promise<boolean> {
  return element.evaluate((node) => node === document.activeElement);
}

/**
 * The value shown for the term `term` of a description list inside `scope` (a `<dt>` and the
 * `<dd>` after it, or role=term / role=definition pairs).
 */
export async function termValue(scope: Locator, term: string): Promise<string> {
  const dt = scope.getByRole('term').filter({ hasText: new RegExp(`^\\s*${term.replace(/[()]/g, '\\$&')}\\s*$`) });
  return (await dt.locator('xpath=following-sibling::*[1]').innerText({ timeout: 2000 })).trim();
}

/** Selects the option of `select` whose value or label is `wanted`, whatever its case. */
export async function selectOptionLike(select: Locator, wanted: string): Promise<void> {
  const value = await select.evaluate(
    (node, text) => [...(node as HTMLSelectElement).options].find((option) => option.value.toLowerCase() === text || option.label.trim().toLowerCase() === text)?.value ?? null,
    wanted.toLowerCase(),
  );
  if (value === null) throw new Error(`The select has no option ${wanted}`);
  await select.selectOption(value);
}

/** The key and value of the sessionStorage entry holding `token` (the console keeps its token there, under a name of its own). */
export async function tokenEntry(page: Page, token: string): Promise<{ key: string; value: string }> {
  const entry = await page.evaluate((wanted) => {
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i)!;
      const value = sessionStorage.getItem(key) ?? '';
      if (value.includes(wanted)) return { key, value };
    }
    return null;
  }, token);
  if (!entry) throw new Error('No sessionStorage entry holds the access token');
  return entry;
}

/**
 * `token` re-signed with the app's JWT_SECRET (test/setup/test-env.ts gives the app and the tests
 * the same one) as it would be an hour after it expired: the same user, version and signature
 * scheme, only the times moved.
 */
export function expiredCopyOf(token: string): string {
  const secret = process.env.JWT_SECRET;
  if (!secret) throw new Error('JWT_SECRET is not set (test/setup/test-env.ts sets it)');
  const [header, payload] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const expired = Buffer.from(JSON.stringify({ ...claims, iat: now - 7200, exp: now - 3600 })).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${expired}`).digest('base64url');
  return `${header}.${expired}.${signature}`;
}

/**
 * What the page showed when a test ended, for whoever reads a failure: its address, its
 * accessibility tree (the names and roles the tests look for) and a screenshot, in
 * logs/browser/<name>.{txt,png} (logs/ is not committed).
 */
export async function keepEvidence(page: Page, name: string): Promise<void> {
  if (page.isClosed()) return;
  const folder = join('logs', 'browser');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, name.replace(/[^\w-]+/g, '-').slice(0, 100));
  const tree = await page
    .locator('body')
    .ariaSnapshot({ timeout: 2000 })
    .catch((error: Error) => `(no accessibility tree: ${error.message})`);
  writeFileSync(`${file}.txt`, `${page.url()}\n\n${tree}\n`);
  await page.screenshot({ path: `${file}.png`, timeout: 5000 }).catch(() => undefined);
}

/** The conflicts table's row of `pfaId` (the row whose header is the button named `pfaId`). */
export function conflictRow(page: Page, pfaId: string): Locator {
  return page
    .getByRole('table', { name: 'Conflicts' })
    .getByRole('row')
    .filter({ has: page.getByRole('button', { name: pfaId, exact: true }) });
}

/** Opens the resolve dialog of `pfaId` from /conflicts (its PFA ID button) and waits for the three-way table. */
export async function openConflict(page: Page, pfaId: string): Promise<Locator> {
  await visible(conflictRow(page, pfaId)).then((row) => row.getByRole('button', { name: pfaId, exact: true }).click());
  const dialog = await visible(page.getByRole('dialog', { name: `Resolve conflict ${pfaId}` }));
  await visible(dialog.getByRole('table', { name: 'Three-way comparison' }));
  return dialog;
}

/** The three-way table's row of the field labelled `label` (its header reads the label, then "Conflict" for a conflicting field). */
export function comparisonRow(dialog: Locator, label: string): Locator {
  return dialog
    .getByRole('table', { name: 'Three-way comparison' })
    .getByRole('row')
    .filter({ has: dialog.page().getByRole('rowheader', { name: new RegExp(`^${label}(\\W*Conflict)?$`) }) });
}

/** The texts of a table row's cells (header included), trimmed. */
export async function cellTexts(row: Locator): Promise<string[]> {
  return (await row.getByRole('cell').or(row.getByRole('rowheader')).allInnerTexts()).map((text) => text.trim());
}

/** Signs out with the header's button and waits for the sign-in form. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await visible(page.getByLabel('Username', { exact: true }));
}
