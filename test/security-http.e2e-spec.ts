import request from 'supertest';
import { TestApp, createTestApp } from './support/test-app';

const METRICS_TOKEN = 'metrics-token-for-the-scraper-0123';

describe('security: HTTP headers, API docs and /metrics (e2e)', () => {
  describe('in development (the defaults)', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await createTestApp();
    });
    afterAll(() => testApp.close());
    const http = () => request(testApp.app.getHttpServer());

    it('sends security headers and no X-Powered-By, on the API, errors and the docs alike', async () => {
      for (const answer of [await http().get('/health'), await http().get('/api/pfa'), await http().get('/api/docs/')]) {
        expect(answer.headers['x-powered-by']).toBeUndefined();
        expect(answer.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(answer.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
        expect(answer.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
        expect(answer.headers['x-content-type-options']).toBe('nosniff');
        expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
      }
    });

    it('serves Swagger UI, the OpenAPI document and /metrics', async () => {
      await http().get('/api/docs/').expect(200);
      await http().get('/api/docs-json').expect(200);
      await http().get('/metrics').expect(200);
    });
  });

  describe('in production', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-jwt-secret-long-enough-for-it', CREDENTIALS_KEY: Buffer.alloc(32, 9).toString('base64') };

    it('serves neither the API docs nor /metrics unless told to', async () => {
      const testApp = await createTestApp(production);
      try {
        const http = () => request(testApp.app.getHttpServer());
        await http().get('/api/docs/').expect(404);
        await http().get('/api/docs-json').expect(404);
        const metrics = await http().get('/metrics').expect(404);
        expect(metrics.body.message).toMatch(/METRICS_TOKEN/);
        await http().get('/health').expect(200);
      } finally {
        await testApp.close();
      }
    });

    it('serves the docs with API_DOCS=true, and /metrics to the holder of METRICS_TOKEN only', async () => {
      const testApp = await createTestApp({ ...production, API_DOCS: 'true', METRICS_TOKEN });
      try {
        const http = () => request(testApp.app.getHttpServer());
        await http().get('/api/docs-json').expect(200);
        await http().get('/metrics').expect(401);
        await http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}x`).expect(401);
        await http().get('/metrics').set('Authorization', `Basic ${METRICS_TOKEN}`).expect(401);
        const scraped = await http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
        expect(scraped.text).toMatch(/pems_sync_/);
      } finally {
        await testApp.close();
      }
    });
  });
});
