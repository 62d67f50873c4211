import { setTimeout as sleep } from 'node:timers/promises';
import { BrowserContext, Page } from 'playwright-core';
import { MadeConflict, conflictOf, editThroughApi, makeConflicts, queueThroughApi, recordOf, waitForModification } from './support/console-data';
import { AUDITOR, COORDINATOR, ConsoleHarness, PLANNER, SECOND_ORGANIZATION, VIEWER, startConsoleHarness } from './support/console-harness';
import {
  cellTexts,
  comparisonRow,
  conflictRow,
  description,
  eventually,
  expiredCopyOf,
  headerSettled,
  heading,
  hidden,
  isFocused,
  keepEvidence,
  navLink,
  openConflict,
  openSignedIn,
  recordRow,
  searchRecords,
  selectOptionLike,
  signIn,
  signOut,
  termValue,
  tokenEntry,
  visible,
  waitForSyncState,
} from './support/console-pages';

/** Text PEMS or a user may hold that would run if the console ever put it in the page as HTML. */
const SCRIPT_TEXT = '<script>window.__xss=1</script>';
const IMG_TEXT = '<img src=x onerror="window.__xss=1">';
/** The issue's own example of a PEMS value that must stay text. */
const ALERT_IMG_TEXT = '<img src=x onerror=alert(1)>';

/** The edit dialog's fields (console contract, /records/:id). */
const EDIT_FIELDS = [
  'Forecast start',
  'Forecast end',
  'Monthly rate',
  'Purchase price',
  'DOR',
  'Category',
  'Class',
  'Source',
  'Manufacturer',
  'Model',
  'Discontinued',
  'Funds transferable',
  'Change reason',
];

/** Whether anything the XSS records carry ran or became markup: window.__xss set, an <img src="x">, a <script> mentioning __xss. */
async function injectedMarkup(page: Page): Promise<{ xss: unknown; images: number; scripts: number }> {
  // An onerror handler runs once the image has failed to load: give it the time to.
  await sleep(300);
  return page.evaluate(() => ({
    xss: (window as { __xss?: unknown }).__xss,
    images: [...document.querySelectorAll('img')].filter((image) => image.getAttribute('src') === 'x').length,
    scripts: [...document.querySelectorAll('script')].filter((script) => (script.textContent ?? '').includes('__xss')).length,
  }));
}

describe('web console in a browser', () => {
  let harness: ConsoleHarness;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    harness = await startConsoleHarness({
      name: 'console',
      records: 40,
      extraRecords: {
        'PFA-XSS-1': {
          category: SCRIPT_TEXT,
          class: 'Crawler Crane',
          source: 'Rental',
          dor: 'PROJECT',
          manufacturer: IMG_TEXT,
          model: IMG_TEXT,
          forecastStart: '2026-02-01',
          forecastEnd: '2026-11-30',
        },
        'PFA-XSS-2': {
          category: IMG_TEXT,
          class: 'Crawler Crane',
          source: 'Rental',
          dor: 'PROJECT',
          manufacturer: SCRIPT_TEXT,
          model: SCRIPT_TEXT,
          forecastStart: '2026-02-01',
          forecastEnd: '2026-11-30',
        },
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    context = await harness.browser.newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await keepEvidence(page, expect.getState().currentTestName ?? 'test');
    await context?.close();
  });

  it('signs in, finds a record, shows a bad edit beside its field, then saves a good one', async () => {
    await page.goto(`${harness.baseUrl}/`);
    await signIn(page, PLANNER);
    await visible(heading(page, 'Records'));
    expect(new URL(page.url()).pathname).toBe('/records');
    for (const link of ['Records', 'My edits', 'Dashboard', 'Queue', 'Audit']) await visible(navLink(page, link));
    await visible(page.getByRole('button', { name: 'Sign out', exact: true }));

    const row = await searchRecords(page, 'PFA-10003');
    await eventually('the search to leave one record', async () => (await page.getByRole('table', { name: 'PFA records' }).getByRole('row').count()) === 2);
    await row.getByRole('link', { name: 'PFA-10003', exact: true }).click();
    await visible(heading(page, 'Record PFA-10003'));
    const record = await recordOf(harness, 'PFA-10003');
    expect(new URL(page.url()).pathname).toBe(`/records/${record.id}`);
    // The tables are there once they have rows; their headings always.
    await visible(page.getByRole('heading', { level: 2, name: 'Modifications', exact: true }));
    await visible(page.getByRole('heading', { level: 2, name: 'History', exact: true }));

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Edit PFA-10003' }));
    for (const field of EDIT_FIELDS) await visible(dialog.getByLabel(field, { exact: true }));

    const start = dialog.getByLabel('Forecast start', { exact: true });
    const end = dialog.getByLabel('Forecast end', { exact: true });
    await start.fill('2026-06-01');
    await end.fill('2026-05-01');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    // The API names one field of the pair (forecastStart today); the console marks that one.
    const invalid = await eventually('Forecast start or Forecast end to be marked invalid', async () => {
      for (const field of [start, end]) if ((await field.getAttribute('aria-invalid')) === 'true') return field;
      return false;
    });
    const message = await description(invalid);
    expect(message).not.toBe('');
    await visible(dialog.getByText(message, { exact: true }).first());
    expect(await dialog.isVisible()).toBe(true);
    expect(await page.getByRole('status').filter({ hasText: 'Saved' }).count()).toBe(0);

    await end.fill('2026-12-31');
    const saved = page.waitForResponse((response) => response.request().method() === 'PATCH' && response.url().includes(`/api/pfa/${record.id}`));
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    expect((await saved).status()).toBe(201);
    await hidden(dialog);
    await visible(page.getByRole('status').filter({ hasText: 'Saved' }));
    await waitForSyncState(page.locator('main'), 'draft');
    await visible(page.getByRole('table', { name: 'Modifications' }).getByRole('row').filter({ hasText: 'planner' }));
    expect((await recordOf(harness, 'PFA-10003')).values).toMatchObject({ forecastStart: '2026-06-01', forecastEnd: '2026-12-31' });
  });

  it('sends an edit from My edits and shows its record go from queued to synced without a reload', async () => {
    const model = 'Sent from My edits';
    await editThroughApi(harness, 'PFA-10005', { model });
    await openSignedIn(page, harness.baseUrl, PLANNER, '/my-edits', 'My edits');
    const table = page.getByRole('table', { name: 'My unsynced edits' });
    await visible(table.getByRole('row').filter({ hasText: 'PFA-10005' }));

    // PEMS answers 503 until the page has shown the edit queued: it waits (queued) for its retry, 4 s later.
    await harness.simulator.setFaults({ statusShares: { 503: 1 } });
    const logStart = (await harness.simulator.log()).at(-1)?.seq ?? 0;
    await page.getByRole('checkbox', { name: 'Select PFA-10005', exact: true }).check();
    await page.getByRole('button', { name: 'Send selected to PEMS', exact: true }).click();
    await visible(page.getByRole('status').filter({ hasText: /^\s*Queued/ }));
    await eventually('PEMS to answer the first attempt 503', async () =>
      (await harness.simulator.log(logStart)).some((entry) => entry.pfaId === 'PFA-10005' && entry.status === 503),
    );

    await page.evaluate(() => ((window as { __notReloaded?: boolean }).__notReloaded = true));
    await navLink(page, 'Records').click();
    await visible(heading(page, 'Records'));
    const row = await searchRecords(page, 'PFA-10005');
    // Each retry waits 4 s; one made before the fault is cleared is answered 503 and waits again (3 retries in all).
    await waitForSyncState(row, 'queued', 8000);
    await harness.simulator.clearFaults();
    await waitForSyncState(row, 'synced', 20_000);
    expect(await page.evaluate(() => (window as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    expect((await harness.simulator.getRecord('PFA-10005')).data.model).toBe(model);
  });

  it('shows a failed send on the dashboard and the queue, and retries it from the queue', async () => {
    // A 403 is not worth retrying: the first attempt fails the item.
    await harness.simulator.setFaults({ statusShares: { 403: 1 } });
    const modificationId = await editThroughApi(harness, 'PFA-10007', { model: 'Refused, then retried' });
    await queueThroughApi(harness, [modificationId]);
    const failed = await waitForModification(harness, modificationId, 'failed');
    await harness.simulator.clearFaults();

    await openSignedIn(page, harness.baseUrl, PLANNER, '/dashboard', 'Sync dashboard');
    const status = await visible(page.getByRole('region', { name: 'Sync status' }));
    await eventually('Failed (24 h) to count the failed send', async () => (await termValue(status, 'Failed (24 h)')) === '1');
    for (const term of ['Queued', 'Processing', 'Completed (24 h)', 'Success rate', 'Average sync time', 'Last sync', 'Next sync', 'Health']) await termValue(status, term);
    await visible(page.getByRole('figure', { name: 'Last hour' }));
    await visible(page.getByRole('region', { name: 'PEMS server' }));

    await navLink(page, 'Queue').click();
    await visible(heading(page, 'Queue'));
    await selectOptionLike(page.getByLabel('Status', { exact: true }), 'failed');
    const items = page.getByRole('table', { name: 'Queue items' });
    const row = await visible(items.getByRole('row').filter({ hasText: 'PFA-10007' }));
    expect((await row.innerText()).toLowerCase()).toContain('failed');
    expect(failed.syncError).toContain('403');
    await visible(row.getByText(/403/).first());

    await row.getByRole('checkbox', { name: 'Select item PFA-10007', exact: true }).check();
    await page.getByRole('button', { name: 'Retry selected', exact: true }).click();
    await waitForModification(harness, modificationId, 'synced');
    await selectOptionLike(page.getByLabel('Status', { exact: true }), 'completed');
    const completed = await visible(items.getByRole('row').filter({ hasText: 'PFA-10007' }));
    expect((await completed.innerText()).toLowerCase()).toContain('completed');
    expect((await harness.simulator.getRecord('PFA-10007')).data.model).toBe('Refused, then retried');
  });

  it('shows markup from PEMS and from users as text, and runs none of it', async () => {
    await openSignedIn(page, harness.baseUrl, PLANNER, '/records', 'Records');
    await page.getByRole('searchbox', { name: 'Search records' }).fill('PFA-XSS');
    const table = page.getByRole('table', { name: 'PFA records' });
    await visible(recordRow(page, 'PFA-XSS-1'));
    await visible(recordRow(page, 'PFA-XSS-2'));
    await visible(table.getByRole('cell', { name: SCRIPT_TEXT, exact: true }).first());
    await visible(table.getByRole('cell', { name: IMG_TEXT, exact: true }).first());
    expect(await injectedMarkup(page)).toEqual({ xss: undefined, images: 0, scripts: 0 });

    await recordRow(page, 'PFA-XSS-1').getByRole('link', { name: 'PFA-XSS-1', exact: true }).click();
    await visible(heading(page, 'Record PFA-XSS-1'));
    await visible(page.getByText(SCRIPT_TEXT, { exact: true }).first());
    await visible(page.getByText(IMG_TEXT, { exact: true }).first());
    expect(await injectedMarkup(page)).toEqual({ xss: undefined, images: 0, scripts: 0 });

    const reason = `${IMG_TEXT} ${SCRIPT_TEXT}`;
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Edit PFA-XSS-1' }));
    await dialog.getByLabel('Model', { exact: true }).fill(SCRIPT_TEXT + ' 2');
    await dialog.getByLabel('Change reason', { exact: true }).fill(reason);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved' }));
    await visible(page.getByRole('table', { name: 'Modifications' }).getByText(reason, { exact: true }).first());
    expect(await injectedMarkup(page)).toEqual({ xss: undefined, images: 0, scripts: 0 });

    await navLink(page, 'My edits').click();
    await visible(heading(page, 'My edits'));
    await visible(page.getByRole('table', { name: 'My unsynced edits' }).getByRole('row').filter({ hasText: 'PFA-XSS-1' }));
    expect(await injectedMarkup(page)).toEqual({ xss: undefined, images: 0, scripts: 0 });
  });

  it('sends a user whose token expired or was revoked to sign in, then back to where they were', async () => {
    await page.goto(`${harness.baseUrl}/login`);
    const login = page.waitForResponse((response) => response.url().endsWith('/api/auth/login'));
    await signIn(page, PLANNER);
    const token: string = (await (await login).json()).accessToken;
    await visible(heading(page, 'Records'));
    await navLink(page, 'Queue').click();
    await visible(heading(page, 'Queue'));

    // An hour past its expiry, then a reload of /queue.
    const entry = await tokenEntry(page, token);
    await page.evaluate(({ key, value }) => sessionStorage.setItem(key, value), { key: entry.key, value: entry.value.replace(token, expiredCopyOf(token)) });
    await page.reload();
    await visible(page.getByLabel('Username', { exact: true }));
    expect(new URL(page.url()).pathname).toBe('/login');
    // The header asks for the notifications and the unresolved conflicts as the page opens: answered before the revocation,
    // so that it is the next page's requests that meet it.
    const settled = headerSettled(page);
    await signIn(page, PLANNER);
    await visible(heading(page, 'Queue'));
    expect(new URL(page.url()).pathname).toBe('/queue');
    await settled();

    // Tokens revoked on the server (a password change does it) while the page is open: the next page's requests are refused.
    await harness.sql(`UPDATE users SET token_version = token_version + 1 WHERE username = $1`, [PLANNER.username]);
    await navLink(page, 'Dashboard').click();
    await visible(page.getByLabel('Username', { exact: true }));
    expect(new URL(page.url()).pathname).toBe('/login');
    await signIn(page, PLANNER);
    await visible(heading(page, 'Sync dashboard'));
    expect(new URL(page.url()).pathname).toBe('/dashboard');
  });

  it('opens the edit dialog from the keyboard, moves focus into it, and gives it back to Edit on Escape', async () => {
    const record = await recordOf(harness, 'PFA-10011');
    await openSignedIn(page, harness.baseUrl, PLANNER, `/records/${record.id}`, 'Record PFA-10011');
    const edit = page.getByRole('button', { name: 'Edit', exact: true });
    await visible(edit);
    let presses = 0;
    while (!(await isFocused(edit))) {
      if (++presses > 60) throw new Error('Edit was not reached with Tab within 60 presses');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    const dialog = await visible(page.getByRole('dialog', { name: 'Edit PFA-10011' }));
    await eventually('the focus to move into the dialog', () => dialog.evaluate((node) => node.contains(document.activeElement)));
    await page.keyboard.press('Escape');
    await hidden(dialog);
    await eventually('the focus to return to Edit', () => isFocused(edit));
  });

  it('offers a read-only user no control that needs a permission they lack', async () => {
    const record = await recordOf(harness, 'PFA-10013');
    await openSignedIn(page, harness.baseUrl, VIEWER, `/records/${record.id}`, 'Record PFA-10013');
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const link of ['Records', 'My edits', 'Dashboard', 'Queue']) await visible(navLink(page, link));
    expect(await nav.getByRole('link', { name: 'Audit', exact: true }).count()).toBe(0);
    const enabled = async (name: string) => {
      const buttons = page.getByRole('button', { name, exact: true });
      let count = 0;
      for (let i = 0; i < (await buttons.count()); i++) if (await buttons.nth(i).isEnabled()) count += 1;
      return count;
    };
    expect(await enabled('Edit')).toBe(0);

    await navLink(page, 'Queue').click();
    await visible(heading(page, 'Queue'));
    await visible(page.getByRole('table', { name: 'Queue items' }));
    for (const name of ['Retry selected', 'Retry all matching', 'Cancel selected', 'Cancel all matching', 'Pause writes', 'Resume writes']) {
      expect({ name, enabled: await enabled(name) }).toEqual({ name, enabled: 0 });
    }

    await navLink(page, 'My edits').click();
    await visible(heading(page, 'My edits'));
    for (const name of ['Send all to PEMS', 'Send selected to PEMS']) expect({ name, enabled: await enabled(name) }).toEqual({ name, enabled: 0 });
  });

  it('lets a member of several organizations choose which one the pages show', async () => {
    await openSignedIn(page, harness.baseUrl, AUDITOR, '/records', 'Records');
    const organization = await visible(page.getByLabel('Organization', { exact: true }));
    const labels = await organization.evaluate((node) => [...(node as HTMLSelectElement).options].map((option) => option.label));
    expect(labels).toHaveLength(2);
    const web = labels.find((label) => /\bWEB\b/.test(label) && !label.includes(SECOND_ORGANIZATION));
    const second = labels.find((label) => label.includes(SECOND_ORGANIZATION));
    expect({ web, second }).toEqual({ web: expect.any(String), second: expect.any(String) });

    await organization.selectOption({ label: web! });
    await visible(page.getByRole('table', { name: 'PFA records' }).getByRole('link', { name: 'PFA-10001', exact: true }));
    const listed = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/pfa' && response.status() === 200);
    await organization.selectOption({ label: second! });
    expect((await (await listed).json()).total).toBe(0);
    await eventually('the records of WEB to leave the page', async () => (await page.getByRole('link', { name: 'PFA-10001', exact: true }).count()) === 0);
    expect(await organization.evaluate((node) => (node as HTMLSelectElement).selectedOptions[0].label)).toBe(second);
  });

  /**
   * Issue 14: conflicts made for real (an edit through the API, the same field changed by another
   * PEMS user through the simulator's control API, the edit sent, the worker finding the version
   * conflict), all at once before the first of these tests; then the three-way view, a merge, a
   * bulk "keep PEMS", two browsers, notifications and restoring a version, in the console.
   */
  describe('conflicts, notifications and restoring a version', () => {
    const MINE_MODEL = 'LR 1250 (mine)';
    let conflicts: Record<string, MadeConflict>;
    let bases: Record<string, Record<string, unknown>>;

    beforeAll(async () => {
      const pfaIds = ['PFA-10015', 'PFA-10017', 'PFA-10021', 'PFA-10023', 'PFA-10025', 'PFA-10031'];
      bases = Object.fromEntries(await Promise.all(pfaIds.map(async (pfaId) => [pfaId, (await recordOf(harness, pfaId)).values] as const)));
      conflicts = await makeConflicts(harness, [
        // PEMS's model is markup; PEMS also changes the category, which the edit does not touch.
        { pfaId: 'PFA-10015', mine: { model: MINE_MODEL, monthlyRate: 12_500 }, pems: { model: ALERT_IMG_TEXT, category: 'Changed in PEMS only' } },
        { pfaId: 'PFA-10017', mine: { monthlyRate: 15_000, model: 'Mine: merged' }, pems: { monthlyRate: 14_000, model: 'PEMS: merged' } },
        ...['PFA-10021', 'PFA-10023', 'PFA-10025'].map((pfaId) => ({ pfaId, mine: { model: `Mine: ${pfaId}` }, pems: { model: `PEMS: ${pfaId}` } })),
        { pfaId: 'PFA-10031', mine: { model: 'Mine: two browsers' }, pems: { model: 'PEMS: two browsers' } },
      ]);
    });

    it('finds a conflicting edit and shows it in the three-way view, PEMS markup as text, from the keyboard', async () => {
      // Were the markup ever put in the page as HTML, its onerror would call alert: the flag says it did.
      await context.addInitScript(() => (window.alert = () => ((window as { __alerted?: boolean }).__alerted = true)));
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await openSignedIn(page, harness.baseUrl, PLANNER, '/records', 'Records');
      const nav = page.getByRole('navigation', { name: 'Main' });
      await visible(nav.getByRole('link', { name: 'Conflicts (6 unresolved)' }));
      await nav.getByRole('link', { name: /^Conflicts/ }).click();
      await visible(heading(page, 'Conflicts'));
      expect(await page.getByLabel('Status', { exact: true }).inputValue()).toBe('unresolved');
      const row = await visible(conflictRow(page, 'PFA-10015'));
      const rowText = await row.innerText();
      expect(rowText).toContain('Model');
      expect(rowText).toContain('planner');
      expect(rowText).toContain('Unresolved');

      // From the keyboard: the PFA ID button, Enter; the focus goes into the view.
      const opener = row.getByRole('button', { name: 'PFA-10015', exact: true });
      await opener.focus();
      await page.keyboard.press('Enter');
      const dialog = await visible(page.getByRole('dialog', { name: 'Resolve conflict PFA-10015' }));
      await eventually('the focus to move into the three-way view', () => dialog.evaluate((node) => node.contains(document.activeElement)));
      await visible(dialog.getByRole('table', { name: 'Three-way comparison' }));
      const headers = await dialog.getByRole('table', { name: 'Three-way comparison' }).getByRole('columnheader').allInnerTexts();
      expect(headers.map((text) => text.trim())).toEqual(['Field', 'Base (what the editor saw)', 'Mine (the edit)', 'PEMS now', 'Keep']);

      // Model conflicts: marked in words, base / mine / PEMS now, the PEMS value as its text.
      const model = comparisonRow(dialog, 'Model');
      expect((await cellTexts(model)).slice(0, 4)).toEqual([expect.stringMatching(/Model\W+Conflict$/), bases['PFA-10015'].model, MINE_MODEL, ALERT_IMG_TEXT]);
      await visible(model.getByRole('cell', { name: ALERT_IMG_TEXT, exact: true }));
      const keep = model.getByRole('group', { name: 'Keep for Model' });
      for (const choice of ['Mine', 'PEMS', 'Type a value']) await visible(keep.getByRole('radio', { name: choice, exact: true }));
      expect(await keep.getByRole('radio', { name: 'Mine', exact: true }).isChecked()).toBe(true);
      // Monthly rate was edited but PEMS left it: shown, not marked, no choice.
      const rate = comparisonRow(dialog, 'Monthly rate');
      expect((await cellTexts(rate))[0]).toBe('Monthly rate');
      expect(await rate.getByRole('radio').count()).toBe(0);
      // What PEMS changed that the edit did not touch, as information.
      await visible(dialog.getByRole('heading', { name: /^Also changed in PEMS/ }));
      await visible(dialog.getByRole('listitem').filter({ hasText: /^Category: .* → Changed in PEMS only$/ }));

      expect(await injectedMarkup(page)).toEqual({ xss: undefined, images: 0, scripts: 0 });
      expect(await page.evaluate(() => (window as { __alerted?: boolean }).__alerted)).toBeUndefined();
      expect(dialogs).toEqual([]);

      // Escape closes it and gives the focus back to the list.
      await page.keyboard.press('Escape');
      await hidden(dialog);
      await eventually('the focus to return to the PFA ID button', () => isFocused(opener));
    });

    it('refuses a merge with an invalid typed value beside its field, then applies a valid one that PEMS holds once sent', async () => {
      await openSignedIn(page, harness.baseUrl, PLANNER, '/conflicts', 'Conflicts');
      const dialog = await openConflict(page, 'PFA-10017');
      const apply = dialog.getByRole('button', { name: 'Apply merge', exact: true });
      expect(await apply.isDisabled()).toBe(true);

      await comparisonRow(dialog, 'Model').getByRole('group', { name: 'Keep for Model' }).getByRole('radio', { name: 'PEMS', exact: true }).check();
      await comparisonRow(dialog, 'Monthly rate').getByRole('group', { name: 'Keep for Monthly rate' }).getByRole('radio', { name: 'Type a value', exact: true }).check();
      const typed = await visible(dialog.getByRole('textbox', { name: 'Value for Monthly rate', exact: true }));
      await typed.fill('-5');
      // The server's rules, checked live once typing pauses: the error beside the field, nothing applied.
      await eventually('Value for Monthly rate to be marked invalid', async () => (await typed.getAttribute('aria-invalid')) === 'true');
      const message = await description(typed);
      expect(message).toMatch(/negative/);
      await visible(comparisonRow(dialog, 'Monthly rate').getByText(message, { exact: true }));
      expect(await apply.isDisabled()).toBe(true);

      await typed.fill('14500');
      await eventually('the merge to pass the check', async () => (await typed.getAttribute('aria-invalid')) !== 'true' && (await apply.isEnabled()));
      expect(await description(typed)).toBe('');
      await apply.click();
      await visible(dialog.getByRole('status').filter({ hasText: /^Resolved\. Sent to PEMS: / }));
      const resolved = await conflictOf(harness, 'PFA-10017');
      expect(resolved).toMatchObject({ status: 'resolved', resolution: 'merge', resolvedBy: { username: PLANNER.username } });

      // The merged values go through the queue to PEMS.
      await eventually(
        'PEMS to hold the merged values',
        async () => {
          const data = (await harness.simulator.getRecord('PFA-10017')).data;
          return data.monthlyRate === 14_500 && data.model === 'PEMS: merged';
        },
        20_000,
        250,
      );
    });

    it('keeps PEMS for three selected conflicts at once', async () => {
      const bulk = ['PFA-10021', 'PFA-10023', 'PFA-10025'];
      const before = await Promise.all(bulk.map((pfaId) => harness.simulator.getRecord(pfaId)));
      await openSignedIn(page, harness.baseUrl, PLANNER, '/conflicts', 'Conflicts');
      for (const pfaId of bulk) await (await visible(conflictRow(page, pfaId))).getByRole('checkbox', { name: `Select conflict ${pfaId}`, exact: true }).check();
      await visible(page.getByText('3 selected', { exact: true }));
      await page.getByRole('button', { name: 'Keep PEMS for selected', exact: true }).click();
      const confirm = await visible(page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Resolve them', exact: true }) }));
      await visible(confirm.getByText('3 selected conflicts.', { exact: true }));
      await confirm.getByRole('button', { name: 'Resolve them', exact: true }).click();
      await visible(page.getByRole('status').filter({ hasText: /^Resolved 3\.$/ }));
      await hidden(confirm);
      // Resolved, they leave the list of unresolved ones; the others stay.
      for (const pfaId of bulk) await hidden(conflictRow(page, pfaId));
      await visible(conflictRow(page, 'PFA-10031'));

      for (const [index, pfaId] of bulk.entries()) {
        expect(await conflictOf(harness, pfaId)).toMatchObject({ status: 'resolved', resolution: 'use_pems', resolvedBy: { username: PLANNER.username } });
        // Nothing left to send: the edit is closed, PEMS keeps its values and its version.
        const modifications = await harness.api('GET', `/api/pfa/modifications?organizationId=${harness.organizationId}&pageSize=500`);
        const modification = modifications.body.items.find((item: { id: string }) => item.id === conflicts[pfaId].modificationId);
        expect(['pending', 'queued', 'syncing']).not.toContain(modification.status);
        const after = await harness.simulator.getRecord(pfaId);
        expect({ recordid: after.recordid, model: after.data.model }).toEqual({ recordid: before[index].recordid, model: `PEMS: ${pfaId}` });
      }
    });

    it('tells the second of two browsers resolving the same conflict who won, and how', async () => {
      // The coordinator's page hears no live events, so their click, not a live refresh, meets the first resolution.
      const second = await harness.browser.newContext();
      try {
        await second.route('**/api/pems/events**', (route) => route.abort());
        const other = await second.newPage();
        await Promise.all([openSignedIn(page, harness.baseUrl, PLANNER, '/conflicts', 'Conflicts'), openSignedIn(other, harness.baseUrl, COORDINATOR, '/conflicts', 'Conflicts')]);
        const [first, late] = await Promise.all([openConflict(page, 'PFA-10031'), openConflict(other, 'PFA-10031')]);

        await first.getByRole('button', { name: 'Keep mine for all', exact: true }).click();
        await visible(first.getByRole('status').filter({ hasText: /^Resolved\. Sent to PEMS: .*Mine: two browsers/ }));

        await late.getByRole('button', { name: 'Keep PEMS for all', exact: true }).click();
        const told = await visible(late.getByRole('alert').filter({ hasText: /^Already resolved by planner at / }));
        expect(await told.innerText()).toMatch(/^Already resolved by planner at .+: they kept the edit\. Sent to PEMS: .*Mine: two browsers/);
        await hidden(late.getByRole('button', { name: 'Keep PEMS for all', exact: true }));
        await keepEvidence(other, `${expect.getState().currentTestName} (second browser)`);
        expect(await conflictOf(harness, 'PFA-10031')).toMatchObject({ status: 'resolved', resolution: 'use_local', resolvedBy: { username: PLANNER.username } });
      } finally {
        await second.close();
      }
    });

    it('shows a notification live when the editor’s edit reaches PEMS, and keeps it for after signing in again', async () => {
      // The page has its notifications and hears the events before the edit is made: the one it brings is news.
      const settled = headerSettled(page);
      await openSignedIn(page, harness.baseUrl, PLANNER, '/records', 'Records');
      await settled();
      const text = 'Your edit of PFA-10033 is in PEMS.';
      const modificationId = await editThroughApi(harness, 'PFA-10033', { model: 'Heard of live' });
      await queueThroughApi(harness, [modificationId]);
      // The toast: the live region at the bottom right, while the page stays as it was.
      await visible(page.getByRole('status').filter({ hasText: text }), 20_000);

      await signOut(page);
      await signIn(page, PLANNER);
      await visible(heading(page, 'Records'));
      await (await visible(page.getByRole('button', { name: /^Notifications \(\d+ unread\)$/ }))).click();
      const dialog = await visible(page.getByRole('dialog', { name: 'Notifications' }));
      const list = dialog.getByRole('list', { name: 'Recent notifications' });
      await visible(list.getByRole('listitem').filter({ hasText: text }));
      await dialog.getByRole('button', { name: `Mark read: ${text}`, exact: true }).click();
      await hidden(dialog.getByRole('button', { name: `Mark read: ${text}`, exact: true }));
      await visible(list.getByRole('listitem').filter({ hasText: new RegExp(`^Read: ${text.replace(/\./g, '\\.')}`) }));
      await page.keyboard.press('Escape');
      await hidden(dialog);
      // The bell counts what is left unread (others may arrive meanwhile: it says what the API says).
      await eventually('the bell to count what is left unread', async () => {
        const left: number = (await harness.api('GET', '/api/notifications?pageSize=1')).body.unreadCount;
        return (await page.getByRole('button', { name: left > 0 ? `Notifications (${left} unread)` : 'Notifications', exact: true }).count()) === 1;
      });
    });

    it('restores a past version from the history: a preview, a reason, then an edit that reaches PEMS', async () => {
      // A second version: another PEMS user changes the model, and a read sync brings it in.
      const original = (await harness.simulator.getRecord('PFA-10035')).data.model;
      await harness.simulator.changeRecord('PFA-10035', { model: 'Changed in PEMS later' });
      const readSync = await harness.api('POST', '/api/pems/read-sync', { organizationId: harness.organizationId });
      expect([200, 201]).toContain(readSync.status);
      const record = await recordOf(harness, 'PFA-10035');
      await openSignedIn(page, harness.baseUrl, PLANNER, `/records/${record.id}`, 'Record PFA-10035');

      // Two versions in the history; only the older offers Restore (the newest is what PEMS holds, and nothing is edited).
      const history = page.getByRole('table', { name: 'History' });
      await eventually('two versions in the history', async () => (await history.getByRole('row').count()) === 3);
      const buttons = history.getByRole('button', { name: /^Restore version \d+$/ });
      expect(await buttons.count()).toBe(1);
      const oldest = Number((await buttons.first().getAttribute('aria-label'))!.replace('Restore version ', ''));
      expect(await history.getByRole('row').nth(2).getByRole('cell').first().innerText()).toBe(String(oldest));
      await page.getByRole('button', { name: `Restore version ${oldest}`, exact: true }).click();
      const dialog = await visible(page.getByRole('dialog', { name: `Restore version ${oldest}` }));
      const changes = await visible(dialog.getByRole('table', { name: 'What restoring changes' }));
      expect(await cellTexts(changes.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Model', exact: true }) }))).toEqual([
        'Model',
        'Changed in PEMS later',
        original,
      ]);

      // A reason is required.
      await dialog.getByRole('button', { name: 'Restore this version', exact: true }).click();
      const reason = dialog.getByLabel('Reason', { exact: true });
      await eventually('Reason to be marked invalid', async () => (await reason.getAttribute('aria-invalid')) === 'true');
      expect(await description(reason)).not.toBe('');
      await reason.fill('The PEMS change was a mistake');
      await dialog.getByRole('button', { name: 'Restore this version', exact: true }).click();
      await visible(page.getByRole('status').filter({ hasText: `Saved: a draft edit restores version ${oldest}; send it from My edits.` }));
      await hidden(dialog);
      await visible(page.getByRole('table', { name: 'Modifications' }).getByRole('row').filter({ hasText: 'The PEMS change was a mistake' }));

      // Like any edit, it goes through the queue to PEMS.
      const modifications = await harness.api('GET', `/api/pfa/modifications?organizationId=${harness.organizationId}&status=pending&pageSize=500`);
      const restored = modifications.body.items.find((item: { recordId: string }) => item.recordId === record.id);
      expect(restored.changes).toEqual({ model: original });
      await queueThroughApi(harness, [restored.id]);
      await waitForModification(harness, restored.id, 'synced');
      expect((await harness.simulator.getRecord('PFA-10035')).data.model).toBe(original);
    });
  });
});
