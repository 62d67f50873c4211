import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { TestApp, createTestApp } from './support/test-app';

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

/** The served OpenAPI document under Redocly CLI's recommended rules, offline. */
describe('the OpenAPI document under a standard linter (e2e)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(() => testApp.close());

  it('has no errors and no warnings under Redocly\'s "recommended" rules', async () => {
    const document = (await request(testApp.app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    // Where .redocly.lint-ignore.yaml (the problems kept on purpose, with their reasons) expects it.
    const root = join(__dirname, '..');
    mkdirSync(join(root, '.data'), { recursive: true });
    const file = join(root, '.data', 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = join(__dirname, '..', 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'lint', file, '--extends=recommended', '--format=json'], {
      // Offline: no telemetry, no update check.
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
      timeout: 60_000,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const problems = (JSON.parse(stdout) as { problems: LintProblem[] }).problems.map((problem) => ({
      rule: problem.ruleId,
      severity: problem.severity,
      message: problem.message,
      at: problem.location[0]?.pointer,
    }));
    expect(problems).toEqual([]);
  }, 90_000);
});
