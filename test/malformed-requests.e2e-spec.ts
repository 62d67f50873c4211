import { isDeepStrictEqual } from 'node:util';
import { PERMISSIONS } from '../src/auth/entities/user-organization.entity';
import { cleanDatabase } from './support/clean-database';
import { snapshotDatabase } from './support/database-snapshot';
import { CatalogueContext, ENDPOINTS, Endpoint, buildCatalogueContext, endpointName, send } from './support/endpoint-catalogue';
import { Fixtures, TestUser } from './support/fixtures';
import { MalformedCase, MalformedCategory, allCases, pointsAt } from './support/malformed-cases';
import { TestApp, createTestApp } from './support/test-app';

/**
 * SPEC §6 and §9: bad input answers 4xx (400 naming the offending fields where there are
 * fields to name), never 500, and changes nothing. The cases are generated from each
 * catalogue row's valid request (support/malformed-cases.ts); one test per endpoint and
 * kind of malformation runs them all and lists every case that misbehaved.
 */
describe('malformed requests (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let context: CatalogueContext;
  let admin: TestUser;
  let superadmin: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
  });
  async function resetData() {
    await cleanDatabase(testApp.dataSource);
    context = await buildCatalogueContext(testApp, fixtures);
    admin = await fixtures.user('admin', [[context.organization, [...PERMISSIONS]]]);
    superadmin = await fixtures.user('root', [], { superadmin: true });
  }
  // Each test starts from the same data, even when a case of the one before got through.
  beforeEach(() => resetData());
  afterAll(() => testApp.close());

  const callerFor = (endpoint: Endpoint) => (endpoint.access.kind === 'superadmin' ? superadmin : endpoint.access.kind === 'public' ? undefined : admin);

  interface Misbehaviour {
    case: string;
    status: number;
    problem: string;
    body?: unknown;
  }

  async function run(endpoint: Endpoint, malformed: MalformedCase): Promise<Misbehaviour | null> {
    const before = await snapshotDatabase(testApp.dataSource);
    const token = callerFor(endpoint)?.token;
    const response = await send(testApp, endpoint, context, { token, ...malformed.request });
    const report = (problem: string): Misbehaviour => ({
      case: malformed.name,
      status: response.status,
      problem,
      body: response.body?.errors ?? response.body?.code ?? '(a success body)',
    });

    if (({} as Record<string, unknown>).polluted !== undefined || ({} as Record<string, unknown>).isSuperadmin !== undefined) {
      return report('Object.prototype was polluted');
    }
    if (response.status >= 500 || response.status < 400) return report('expected a 4xx');
    if (malformed.expected === 400 && response.status !== 400) return report('expected 400');
    if (response.status === 400) {
      if (response.body?.statusCode !== 400 || typeof response.body.message !== 'string' || typeof response.body.correlationId !== 'string') {
        return report('the 400 is not an error body {statusCode, error, code, message, correlationId}');
      }
      const named: string[] = (response.body.errors ?? []).map((error: { field: string }) => error.field);
      const expected = malformed.fields ?? [];
      const unnamed = expected.filter((field) => !named.some((name) => pointsAt(name, field)));
      const missing = malformed.fieldsMode === 'any' ? (unnamed.length === expected.length && expected.length > 0 ? unnamed : []) : unnamed;
      if (missing.length > 0) return report(`errors do not name ${malformed.fieldsMode === 'any' ? 'any of ' : ''}${missing.join(', ')} (named: ${named.join(', ') || 'nothing'})`);
    }
    const after = await snapshotDatabase(testApp.dataSource);
    if (!isDeepStrictEqual(after, before)) {
      const moved = Object.keys(after).filter((table) => !isDeepStrictEqual(after[table], before[table]));
      return report(`the database changed: ${moved.join(', ')}`);
    }
    return null;
  }

  const withInput = ENDPOINTS.filter((endpoint) => endpoint.body || endpoint.query || endpoint.params);
  const suites = withInput.flatMap((endpoint) => {
    const categories: MalformedCategory[] = [
      ...(endpoint.body ? (['wrong shape', 'oversized or deeply nested', 'prototype keys', 'unstorable text'] as const) : []),
      ...(endpoint.query ? (['bad query'] as const) : []),
      ...(endpoint.params ? (['bad route parameter'] as const) : []),
    ];
    return categories.map((category) => [endpointName(endpoint), category, endpoint] as const);
  });

  it('covers every endpoint that takes a body, a query or a route parameter', () => {
    expect(withInput.map(endpointName)).toEqual(
      expect.arrayContaining(['POST /api/auth/login', 'GET /api/pfa', 'PATCH /api/pfa/:id', 'PUT /api/admin/organizations/:id/api-server', 'POST /api/admin/users']),
    );
  });

  it.each(suites)('%s, %s: every variant answers 4xx, names the field and changes nothing', async (_name, category, endpoint) => {
    const casesNow = () => allCases(endpoint, context).filter((malformed) => malformed.category === category);
    let cases = casesNow();
    expect(cases.length).toBeGreaterThan(0);
    const misbehaviours: Misbehaviour[] = [];
    for (let index = 0; index < cases.length; index += 1) {
      const misbehaviour = await run(endpoint, cases[index]);
      if (!misbehaviour) continue;
      misbehaviours.push(misbehaviour);
      if (misbehaviour.problem.startsWith('the database changed') || misbehaviour.status < 400) {
        // A case that got through must not hide the next ones (a second identical edit is refused as NO_CHANGE): start again from clean data.
        await resetData();
        cases = casesNow();
      }
    }
    expect(misbehaviours).toEqual([]);
  });

  it('lets the well-formed request of every row through, so the variants were refused for what was wrong with them', async () => {
    for (const endpoint of withInput) {
      await cleanDatabase(testApp.dataSource);
      context = await buildCatalogueContext(testApp, fixtures);
      const caller =
        endpoint.access.kind === 'superadmin' ? await fixtures.user('root', [], { superadmin: true }) : await fixtures.user('admin', [[context.organization, [...PERMISSIONS]]]);
      const response = await send(testApp, endpoint, context, { token: caller.token });
      expect({ endpoint: endpointName(endpoint), status: response.status }).toEqual({ endpoint: endpointName(endpoint), status: endpoint.allowed });
    }
  });

  it('keeps a stored record and its edit exactly as they were after malformed edits', async () => {
    const patch = ENDPOINTS.find((endpoint) => endpoint.method === 'patch' && endpoint.route === '/api/pfa/:id')!;
    const stored = async () =>
      testApp.dataSource.query('SELECT r.data, r.version, m.changes, m.base_values, m.status FROM pfa_records r JOIN pfa_modification m ON m.record_id = r.id WHERE r.id = $1', [
        context.record.id,
      ]);
    const before = await stored();
    for (const changes of [
      JSON.parse('{"__proto__": {"monthlyRate": 1}}'),
      JSON.parse('{"constructor": {"prototype": {"monthlyRate": 1}}}'),
      { monthlyRate: '15000' },
      { monthlyRate: [15000] },
      { monthlyRate: { value: 15000 } },
      { forecastEnd: 20261231 },
      { isDiscontinued: 'true' },
      { model: 'x'.repeat(100_000) },
    ]) {
      const response = await send(testApp, patch, context, { token: context.member.token, rawBody: JSON.stringify({ changes }) });
      expect({ changes: Object.keys(changes), status: response.status }).toEqual({ changes: Object.keys(changes), status: 400 });
    }
    expect(await stored()).toEqual(before);
  });
});
