import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Express } from 'express';
import helmet from 'helmet';
import { boundedConcurrency } from './common/request-concurrency';
import { AppConfig } from './config/app-config';
import { requestLogger } from './logging/request-logger';

const API_PREFIX = 'api';

/**
 * Every `enum` of the document in alphabetical order. The Swagger plugin lists a union type's
 * members (`status: ModificationStatus`) in the order TypeScript's checker happened to meet them,
 * which changes with the files compiled before: the same code would serve a different document
 * from one build (or test run) to the next, and the console's generated types would churn
 * (test/openapi-types.e2e-spec.ts).
 */
function sortEnums(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    // A copy: the array may be one the app itself reads (a list of states that @IsIn checks).
    if (key === 'enum' && Array.isArray(value) && value.every((member) => typeof member === 'string')) (node as Record<string, unknown>)[key] = [...value].sort();
    else sortEnums(value);
  }
}

/**
 * The OpenAPI document (served at /api/docs-json). Operations without a bearer token say so
 * (`security: []`), and the server is this instance (a relative
 * URL): it passes Redocly's recommended rules (test/openapi-lint.e2e-spec.ts). Its enums are
 * sorted (sortEnums), so the same code gives the same document.
 */
function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('pems-sync')
    .setDescription('Keeps equipment forecast (PFA) records in step with PEMS (HxGN EAM). Log in with POST /api/auth/login, then "Authorize" with the accessToken.')
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    // package.json says UNLICENSED: the service is not published under an open-source licence.
    .setLicense('Proprietary (UNLICENSED)', 'https://docs.npmjs.com/cli/configuring-npm/package-json#license')
    .addServer('/', 'This pems-sync instance')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, builder);
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Array<{ security?: unknown[] }>) {
      if (typeof operation !== 'object' || operation === null || operation.security) continue;
      // No user token: login, health, and /metrics (whose METRICS_TOKEN, when set, is the deployment's, described on the operation).
      operation.security = [];
    }
  }
  sortEnums(document);
  return document;
}

/**
 * The Content-Security-Policy of every answer: everything from this origin only, no plugins, no
 * framing. Styles may be inline (Swagger UI, and the web console's component library, set style
 * attributes); scripts may not.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // Deployments over plain HTTP (a laptop, an internal network) must keep working.
  upgradeInsecureRequests: null,
};

/**
 * Requests that never wait for a place (boundedConcurrency): event streams stay open; an operator
 * needs health and metrics most when the API is busy; a login's work is the password check, which
 * runs off the event loop under its own bound (a flood of logins is answered 429
 * PASSWORD_CHECKS_BUSY at once, not queued).
 */
const OUTSIDE_THE_LINE = /^\/(?:health|metrics|api\/pems\/events|api\/auth\/login)(?:\/|$)/i;

/** TRUST_PROXY as Express reads it: a number of hops, true/false, or a list of addresses. */
function trustProxyValue(value: string): number | boolean | string {
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

/** Swagger UI and the OpenAPI document: on, except in production unless API_DOCS=true. */
export function apiDocsEnabled(config: AppConfig): boolean {
  return config.API_DOCS ?? config.NODE_ENV !== 'production';
}

/**
 * What main.ts and the e2e tests both do to the Nest application: security headers (helmet, no
 * X-Powered-By), the /api prefix (health and metrics stay at the root), the request log, a bound on
 * the requests worked on at once, and
 * Swagger UI with the OpenAPI document where apiDocsEnabled.
 */
export function configureApp(app: INestApplication): INestApplication {
  const config = app.get(AppConfig);
  const express = app.getHttpAdapter().getInstance() as Express;
  express.disable('x-powered-by');
  if (config.TRUST_PROXY) express.set('trust proxy', trustProxyValue(config.TRUST_PROXY));
  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } }));
  app.use(requestLogger());
  // The bound keeps the worker's sends on time; an instance without the worker has nothing to protect.
  if (config.ENABLE_PEMS_WRITE_SYNC) app.use(boundedConcurrency(config.API_MAX_CONCURRENT_REQUESTS, (req) => OUTSIDE_THE_LINE.test(req.path)));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  app.enableShutdownHooks();
  if (apiDocsEnabled(config)) {
    SwaggerModule.setup(`${API_PREFIX}/docs`, app, () => buildOpenApiDocument(app), {
      jsonDocumentUrl: `${API_PREFIX}/docs-json`,
      swaggerOptions: { persistAuthorization: true },
    });
  }
  return app;
}
