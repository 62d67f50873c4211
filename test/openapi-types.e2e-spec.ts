import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { TestApp, createTestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const TYPES_FILE = join(ROOT, 'web', 'src', 'api', 'openapi.gen.ts');
const COMMAND = 'npm run openapi:types';

/** Where two texts part: the first differing line of each, with its number. */
function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const have = actual.split('\n');
  const line = want.findIndex((text, index) => text !== have[index]);
  const at = line === -1 ? want.length : line;
  return `line ${at + 1}:\n  generated: ${JSON.stringify(want[at] ?? '(end of file)')}\n  committed: ${JSON.stringify(have[at] ?? '(end of file)')}`;
}

/**
 * The console's API types (web/src/api/openapi.gen.ts) are generated from the document the app
 * serves, so the console and the API cannot drift apart. `npm run openapi:types` runs this test
 * with OPENAPI_TYPES_WRITE=1, which writes the file instead of comparing it.
 */
describe('the console API types generated from the OpenAPI document (e2e)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(() => testApp.close());

  it(`are the committed web/src/api/openapi.gen.ts (${COMMAND} writes them)`, async () => {
    const document = (await request(testApp.app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    mkdirSync(join(ROOT, '.data'), { recursive: true });
    const documentFile = join(ROOT, '.data', 'openapi-types.json');
    writeFileSync(documentFile, JSON.stringify(document));
    const { stdout: generated } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'openapi-types.mjs'), documentFile], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 60_000,
    });
    expect(generated).toContain('export interface paths');

    const file = relative(ROOT, TYPES_FILE);
    if (process.env.OPENAPI_TYPES_WRITE === '1') {
      writeFileSync(TYPES_FILE, generated);
      return;
    }
    const committed = existsSync(TYPES_FILE) ? readFileSync(TYPES_FILE, 'utf8') : '';
    if (generated !== committed) {
      throw new Error(
        `${file} is not what the API's OpenAPI document generates: run \`${COMMAND}\` and commit the file.\nFirst difference, ${firstDifference(generated, committed)}`,
      );
    }
  }, 90_000);
});
