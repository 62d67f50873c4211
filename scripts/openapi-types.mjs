/**
 * The web console's API types from the API's OpenAPI document: openapi-typescript's output,
 * under a header saying where it comes from, formatted by prettier as the rest of the code is.
 *
 *   node scripts/openapi-types.mjs <document.json>    prints web/src/api/openapi.gen.ts as it should be
 *
 * The document must be the served one (GET /api/docs-json): the DTOs' properties come from the
 * @nestjs/swagger CLI plugin, which only `nest build` and the tests' ts-jest apply. So
 * test/openapi-types.e2e-spec.ts boots the app, fetches the document and runs this script on it;
 * `npm run openapi:types` runs that test to write the file instead of comparing it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';

const TARGET = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'src', 'api', 'openapi.gen.ts');

const HEADER = `/**
 * Generated from the API's OpenAPI document (GET /api/docs-json) by openapi-typescript: do not edit.
 * Regenerate with \`npm run openapi:types\`; test/openapi-types.e2e-spec.ts fails while this file
 * differs from what the API serves.
 */
`;

/** The same keys in alphabetical order: the output does not change when a module or a DTO is registered in another order. */
function sortedByKey(object) {
  return object ? Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : object;
}

async function openApiTypes(document) {
  const stable = { ...document, paths: sortedByKey(document.paths) };
  if (document.components) stable.components = { ...document.components, schemas: sortedByKey(document.components.schemas) };
  // emptyObjectsUnknown: an object schema without properties allows any property (JSON Schema), so
  // its type is Record<string, unknown>, not Record<string, never> (which any value would pass as).
  const ast = await openapiTS(stable, { emptyObjectsUnknown: true });
  const text = HEADER + '\n' + astToString(ast);
  const options = await prettier.resolveConfig(TARGET);
  return prettier.format(text, { ...options, filepath: TARGET });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input] = process.argv.slice(2);
  if (!input) {
    console.error('usage: node scripts/openapi-types.mjs <openapi-document.json>');
    process.exit(2);
  }
  process.stdout.write(await openApiTypes(JSON.parse(readFileSync(input, 'utf8'))));
}
