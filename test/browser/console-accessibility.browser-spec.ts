import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserContext, Page } from 'playwright-core';
import { editThroughApi, makeConflicts, queueThroughApi, recordOf, waitForModification } from './support/console-data';
import { ConsoleHarness, PLANNER, startConsoleHarness } from './support/console-harness';
import { comparisonRow, conflictRow, heading, keepEvidence, navLink, openConflict, openSignedIn, visible } from './support/console-pages';

/** WCAG 2.1 A and AA, as axe-core tags them. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** Where the screenshots go: docs/console/ when UPDATE_SCREENSHOTS=1, else logs/browser/screenshots/ (not committed). */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join('docs', 'console') : join('logs', 'browser', 'screenshots');

interface Found {
  page: string;
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Every page of the console, signed in as a planner holding every permission, with some data
 * on it (edits, a synced and a failed queue item, audit entries): an axe audit of each (no
 * serious or critical violation of WCAG 2.1 A/AA; every violation found is printed), and a
 * 1280x800 screenshot of each.
 */
describe('web console: accessibility audit and screenshots', () => {
  let harness: ConsoleHarness;
  let context: BrowserContext;
  let page: Page;
  let detailPath: string;
  let restorePath: string;
  const found: Found[] = [];
  /** Per page: rules that passed, and rules axe could not decide (needs a person: "incomplete"). */
  const checked: string[] = [];

  beforeAll(async () => {
    harness = await startConsoleHarness({ name: 'accessibility', records: 40 });
    // Something on every page: a synced send, three conflicts, a failed send (PEMS refused it: 403), two unsynced edits,
    // a record with two versions (a change in PEMS read in), the planner's notifications of all that.
    const sendOne = async () => {
      const synced = await editThroughApi(harness, 'PFA-10002', { model: 'LR 1300 SX' }, 'Longer boom for the east yard');
      await queueThroughApi(harness, [synced]);
      await waitForModification(harness, synced, 'synced');
    };
    await Promise.all([
      sendOne(),
      makeConflicts(harness, [
        { pfaId: 'PFA-10010', mine: { monthlyRate: 15_000, model: 'LTM 1250-5.1' }, pems: { monthlyRate: 14_000, model: 'LTM 1250-6.1' } },
        { pfaId: 'PFA-10012', mine: { forecastEnd: '2026-12-31' }, pems: { forecastEnd: '2026-10-31' } },
        { pfaId: 'PFA-10014', mine: { model: 'MLC300 VPC' }, pems: { model: 'MLC300', category: 'Heavy lift' } },
      ]),
    ]);
    await harness.simulator.changeRecord('PFA-10016', { model: 'Changed in PEMS', monthlyRate: 9_900 });
    await harness.api('POST', '/api/pems/read-sync', { organizationId: harness.organizationId });
    await harness.simulator.setFaults({ statusShares: { 403: 1 } });
    const failed = await editThroughApi(harness, 'PFA-10004', { monthlyRate: 13250 }, 'Rate agreed with the supplier');
    await queueThroughApi(harness, [failed]);
    await waitForModification(harness, failed, 'failed');
    await harness.simulator.clearFaults();
    await editThroughApi(harness, 'PFA-10006', { forecastEnd: '2026-12-31' }, 'Project extended');
    await editThroughApi(harness, 'PFA-10008', { manufacturer: 'Manitowoc', model: 'MLC300' });
    detailPath = `/records/${(await recordOf(harness, 'PFA-10002')).id}`;
    restorePath = `/records/${(await recordOf(harness, 'PFA-10016')).id}`;
    mkdirSync(SCREENSHOTS, { recursive: true });

    context = await harness.browser.newContext();
    page = await context.newPage();
    await openSignedIn(page, harness.baseUrl, PLANNER, '/records', 'Records');
  });
  afterEach(async () => {
    await keepEvidence(page, expect.getState().currentTestName ?? 'test');
  });
  afterAll(async () => {
    const lines = found.map((violation) => `  ${violation.page}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.targets.join(' | ')}`);
    process.stdout.write(
      `\naxe (${WCAG_TAGS.join(', ')}): ${found.length} violation(s)${lines.length > 0 ? `\n${lines.join('\n')}` : ''}\nrules passed / undecided per page: ${checked.join('; ')}\n`,
    );
    mkdirSync(join('logs', 'browser'), { recursive: true });
    writeFileSync(join('logs', 'browser', 'axe-violations.json'), `${JSON.stringify(found, null, 2)}\n`);
    await context?.close();
    await harness?.close();
  });

  /** Audits the page as it is now, keeps its screenshot as `<name>.png`, and fails on a serious or critical violation. */
  async function auditAndShoot(name: string, shown = page): Promise<void> {
    const results = await new AxeBuilder({ page: shown }).withTags(WCAG_TAGS).analyze();
    checked.push(`${name} ${results.passes.length}/${results.incomplete.map((rule) => rule.id).join(',') || 0}`);
    const violations = results.violations.map((violation) => ({
      page: name,
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
    found.push(...violations);
    await shown.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    expect(violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')).toEqual([]);
  }

  it('login', async () => {
    const fresh = await harness.browser.newContext();
    const login = await fresh.newPage();
    try {
      await login.goto(`${harness.baseUrl}/login`);
      await visible(login.getByRole('button', { name: 'Sign in', exact: true }));
      await auditAndShoot('login', login);
    } finally {
      await fresh.close();
    }
  });

  it('records', async () => {
    await navLink(page, 'Records').click();
    await visible(heading(page, 'Records'));
    await visible(page.getByRole('link', { name: 'PFA-10001', exact: true }));
    await auditAndShoot('records');
  });

  it('record detail', async () => {
    await page.goto(`${harness.baseUrl}${detailPath}`);
    await visible(heading(page, 'Record PFA-10002'));
    await visible(page.getByRole('table', { name: 'Modifications' }));
    await auditAndShoot('record-detail');
  });

  it('edit dialog', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await visible(page.getByRole('dialog', { name: 'Edit PFA-10002' }));
    await auditAndShoot('edit-dialog');
    await page.keyboard.press('Escape');
  });

  it('my edits', async () => {
    await navLink(page, 'My edits').click();
    await visible(heading(page, 'My edits'));
    await visible(page.getByRole('table', { name: 'My unsynced edits' }).getByRole('row').filter({ hasText: 'PFA-10006' }));
    await auditAndShoot('my-edits');
  });

  it('dashboard', async () => {
    await navLink(page, 'Dashboard').click();
    await visible(heading(page, 'Sync dashboard'));
    await visible(page.getByRole('region', { name: 'Sync status' }).getByRole('term').filter({ hasText: 'Health' }));
    await visible(page.getByRole('figure', { name: 'Last hour' }));
    await visible(page.getByRole('region', { name: 'PEMS server' }));
    await auditAndShoot('dashboard');
  });

  it('queue', async () => {
    await navLink(page, 'Queue').click();
    await visible(heading(page, 'Queue'));
    await visible(page.getByRole('table', { name: 'Queue items' }).getByRole('row').filter({ hasText: 'PFA-10004' }));
    await auditAndShoot('queue');
  });

  it('queue item dialog', async () => {
    await page.getByRole('table', { name: 'Queue items' }).getByRole('button', { name: 'PFA-10004', exact: true }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Queue item PFA-10004' }));
    await visible(dialog.getByText('Rate agreed with the supplier').first());
    await auditAndShoot('queue-item-dialog');
    await page.keyboard.press('Escape');
  });

  it('audit', async () => {
    await navLink(page, 'Audit').click();
    await visible(heading(page, 'Audit'));
    await visible(page.getByRole('table', { name: 'Audit log' }).getByRole('row').nth(1));
    await auditAndShoot('audit');
  });

  it('conflicts, two selected', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Conflicts/ })
      .click();
    await visible(heading(page, 'Conflicts'));
    for (const pfaId of ['PFA-10010', 'PFA-10014'])
      await (await visible(conflictRow(page, pfaId))).getByRole('checkbox', { name: `Select conflict ${pfaId}`, exact: true }).check();
    await visible(page.getByText('2 selected', { exact: true }));
    await auditAndShoot('conflicts');
  });

  it('three-way view, a merge with an invalid value', async () => {
    const dialog = await openConflict(page, 'PFA-10010');
    await comparisonRow(dialog, 'Model').getByRole('group', { name: 'Keep for Model' }).getByRole('radio', { name: 'PEMS', exact: true }).check();
    await comparisonRow(dialog, 'Monthly rate').getByRole('group', { name: 'Keep for Monthly rate' }).getByRole('radio', { name: 'Type a value', exact: true }).check();
    const typed = dialog.getByRole('textbox', { name: 'Value for Monthly rate', exact: true });
    await typed.fill('-100');
    await page.waitForFunction((node) => node?.getAttribute('aria-invalid') === 'true', await typed.elementHandle(), { timeout: 15_000 });
    await auditAndShoot('conflict-three-way');
    await page.keyboard.press('Escape');
  });

  it('notifications', async () => {
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Notifications' }));
    await visible(dialog.getByRole('list', { name: 'Recent notifications' }).getByRole('listitem').filter({ hasText: 'PFA-10010' }));
    await auditAndShoot('notifications');
    await page.keyboard.press('Escape');
  });

  it('restore dialog', async () => {
    await page.goto(`${harness.baseUrl}${restorePath}`);
    await visible(heading(page, 'Record PFA-10016'));
    const buttons = page.getByRole('table', { name: 'History' }).getByRole('button', { name: /^Restore version \d+$/ });
    await buttons.last().click();
    const dialog = await visible(page.getByRole('dialog', { name: /^Restore version \d+$/ }));
    await visible(dialog.getByRole('table', { name: 'What restoring changes' }));
    await auditAndShoot('restore-dialog');
    await page.keyboard.press('Escape');
  });
});
