import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { requestLogger } from './logging/request-logger';

export const API_PREFIX = 'api';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('pems-sync')
    .setDescription(
      'Keeps equipment forecast (PFA) records in step with PEMS (HxGN EAM). Log in with POST /api/auth/login, then "Authorize" with the accessToken.',
    )
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * What main.ts and the e2e tests both do to the Nest application: the /api prefix (health
 * and metrics stay at the root), the request log, Swagger UI and the OpenAPI document.
 */
export function configureApp(app: INestApplication): INestApplication {
  app.use(requestLogger());
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  app.enableShutdownHooks();
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${API_PREFIX}/docs-json`,
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}
