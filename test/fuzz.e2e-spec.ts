import fc from 'fast-check';
import { cleanDatabase } from './support/clean-database';
import { snapshotDatabase } from './support/database-snapshot';
import { CatalogueContext, ENDPOINTS, Endpoint, buildCatalogueContext, endpointName, send } from './support/endpoint-catalogue';
import { Fixtures } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

/**
 * Property-based fuzzing of every endpoint's body, query and path (SPEC §9): whatever
 * arrives, the answer is never a 5xx caused by the request's shape, and a refused request
 * changes nothing. The caller is a superadmin, so requests reach the deepest code.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

/** JSON-like values of every kind, including the awkward ones. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, '', ' ', '0', '-1', '1e309', 'NaN', 'true', '2025-02-30', '9999-99-99', '__proto__', 'x'.repeat(300)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.uuid(),
);

/** Fails only when PEMS itself could not be reached (read sync against an unreachable server), never for the request's shape. */
function isServerError(status: number, body: { code?: string }): boolean {
  return status >= 500 && !(status === 502 && body?.code === 'PEMS_UNAVAILABLE');
}

describe('fuzzing every endpoint (e2e)', () => {
  let testApp: TestApp;
  let context: CatalogueContext;
  let token: string;

  beforeAll(async () => {
    testApp = await createTestApp({ ENABLE_PEMS_WRITE_SYNC: 'false' });
    await cleanDatabase(testApp.dataSource);
    const fixtures = new Fixtures(testApp);
    context = await buildCatalogueContext(testApp, fixtures);
    token = (await fixtures.user('fuzzer', [], { superadmin: true })).token;
  });
  afterAll(() => testApp.close());

  async function expectHarmless(endpoint: Endpoint, overrides: Parameters<typeof send>[3]): Promise<void> {
    const before = await snapshotDatabase(testApp.dataSource);
    const response = await send(testApp, endpoint, context, { token, ...overrides });
    if (isServerError(response.status, response.body)) {
      throw new Error(`${endpointName(endpoint)} answered ${response.status} to ${JSON.stringify(overrides).slice(0, 500)}: ${JSON.stringify(response.body)}`);
    }
    if (response.status >= 400) expect(await snapshotDatabase(testApp.dataSource)).toEqual(before);
  }

  const fuzzable = ENDPOINTS.filter((endpoint) => !endpoint.stream);

  it.each(fuzzable.filter((endpoint) => endpoint.body).map((endpoint) => [endpointName(endpoint), endpoint] as const))('%s: arbitrary bodies', async (_name, endpoint) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyValue, fc.dictionary(fc.string({ maxLength: 20 }), anyValue, { maxKeys: 6 })), (body) =>
        expectHarmless(endpoint, { rawBody: JSON.stringify(body) ?? 'null' }),
      ),
      { numRuns: RUNS, seed: 20261125 },
    );
  });

  it.each(fuzzable.filter((endpoint) => endpoint.body).map((endpoint) => [endpointName(endpoint), endpoint] as const))(
    '%s: a valid body with one field made wrong',
    async (_name, endpoint) => {
      const valid = endpoint.body!(context);
      const fields = Object.keys(valid);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), anyValue, (field, value) => expectHarmless(endpoint, { rawBody: JSON.stringify({ ...valid, [field]: value }) })),
        { numRuns: RUNS, seed: 20261126 },
      );
    },
  );

  it.each(fuzzable.filter((endpoint) => endpoint.query).map((endpoint) => [endpointName(endpoint), endpoint] as const))('%s: arbitrary query strings', async (_name, endpoint) => {
    const valid = endpoint.query!(context);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(valid)),
        fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('%00', '%', '[]', 'a&b=c', '-1', '0', '1e9', '500', '501')),
        (field, value) => expectHarmless(endpoint, { query: { ...valid, [field]: value } }),
      ),
      { numRuns: RUNS, seed: 20261127 },
    );
  });

  it.each(fuzzable.filter((endpoint) => endpoint.route.includes(':')).map((endpoint) => [endpointName(endpoint), endpoint] as const))(
    '%s: arbitrary path parameters',
    async (_name, endpoint) => {
      const valid = endpoint.params!(context);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...Object.keys(valid)),
          fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), fc.uuid(), fc.constantFrom('..', '%2e%2e', ' ', '00000000-0000-0000-0000-000000000000')),
          (param, value) => expectHarmless(endpoint, { params: { ...valid, [param]: value } }),
        ),
        { numRuns: RUNS, seed: 20261128 },
      );
    },
  );
});
