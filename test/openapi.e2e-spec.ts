import request from 'supertest';
import { ENDPOINTS, endpointName, openApiPathOf } from './support/endpoint-catalogue';
import { TestApp, createTestApp } from './support/test-app';
import { validateOpenApi } from './support/validate-openapi';

interface Operation {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
  'x-permission'?: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
}

describe('OpenAPI document, Swagger UI and health (e2e)', () => {
  let testApp: TestApp;
  let document: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes?: Record<string, { type: string; scheme?: string; bearerFormat?: string }> };
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    const response = await request(testApp.app.getHttpServer()).get('/api/docs-json').expect(200).expect('Content-Type', /json/);
    document = response.body;
  });
  afterAll(() => testApp.close());

  it('serves a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(document)).toEqual({ valid: true });
    // The validator is not a rubber stamp: a broken copy is refused.
    const broken = { ...document, paths: { ...document.paths, '/api/broken': { get: { responses: { '200': { $ref: '#/components/responses/Nowhere' } } } } } };
    expect(await validateOpenApi(broken)).toEqual({ valid: false, message: expect.any(String) });
  });

  it('declares bearer authentication', () => {
    const schemes = Object.entries(document.components.securitySchemes ?? {});
    expect(schemes).toEqual([[expect.any(String), expect.objectContaining({ type: 'http', scheme: 'bearer' })]]);
  });

  it('documents every endpoint of the catalogue, with who may call it', () => {
    const [bearer] = Object.keys(document.components.securitySchemes ?? {});
    const problems: string[] = [];
    for (const endpoint of ENDPOINTS) {
      const operation = document.paths[openApiPathOf(endpoint)]?.[endpoint.method];
      const name = endpointName(endpoint);
      if (!operation) {
        problems.push(`${name} is missing`);
        continue;
      }
      const needsToken = (operation.security ?? []).some((requirement) => bearer in requirement);
      if (endpoint.access.kind === 'public' && needsToken) problems.push(`${name} is public but documented with bearer auth`);
      if (endpoint.access.kind !== 'public' && !needsToken) problems.push(`${name} needs a token but is not documented with bearer auth`);
      if (endpoint.access.kind !== 'public' && !operation.responses['401']) problems.push(`${name} does not document its 401`);
      const permission = endpoint.access.kind === 'permission' ? endpoint.access.permission : endpoint.access.kind === 'superadmin' ? 'superadmin' : undefined;
      if (operation['x-permission'] !== permission) problems.push(`${name} documents x-permission ${operation['x-permission']}, expected ${permission}`);
      if (permission && !operation.responses['403']) problems.push(`${name} does not document its 403`);
      for (const [, parameter] of endpoint.route.matchAll(/:([A-Za-z]+)/g)) {
        if (!operation.parameters?.some((documented) => documented.in === 'path' && documented.name === parameter))
          problems.push(`${name} does not document path parameter ${parameter}`);
      }
      if (endpoint.body && !operation.requestBody) problems.push(`${name} does not document its body`);
    }
    expect(problems).toEqual([]);
  });

  it('documents the body and query fields of the catalogue rows', () => {
    const operation = (path: string, method: string) => document.paths[path][method];
    const queryNames = (path: string) => (operation(path, 'get').parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
    expect(queryNames('/api/pfa')).toEqual(expect.arrayContaining(['organizationId', 'search', 'page', 'pageSize']));
    expect(queryNames('/api/pfa/modifications')).toEqual(expect.arrayContaining(['organizationId', 'status', 'recordId', 'page', 'pageSize']));
    const login = JSON.stringify(operation('/api/auth/login', 'post').requestBody);
    expect(login).toContain('LoginDto');
  });

  it('serves the Swagger UI at /api/docs', async () => {
    const response = await request(testApp.app.getHttpServer()).get('/api/docs').redirects(1).expect(200).expect('Content-Type', /html/);
    expect(response.text).toMatch(/swagger-ui/i);
  });

  it('answers /health with 200 and the database up, without a token', async () => {
    const response = await request(testApp.app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });
});
