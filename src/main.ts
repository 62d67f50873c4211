import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { apiDocsEnabled, configureApp } from './app.setup';
import { loadAppConfig } from './config/load-app-config';
import { ConfigValidationError } from './config/validate-config';
import { DemoSetupService } from './demo/demo-setup.service';
import { AppLogger } from './logging/app-logger';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  const logger = new AppLogger(config.LOG_LEVEL, config.LOG_FILE);
  const app = await NestFactory.create(AppModule, { logger, bufferLogs: true });
  configureApp(app);
  await app.listen(config.PORT);

  const baseUrl = `http://localhost:${config.PORT}`;
  const bootLogger = new Logger('Bootstrap');
  const docs = apiDocsEnabled(config) ? `Swagger UI: ${baseUrl}/api/docs, ` : '';
  bootLogger.log(`pems-sync is listening on ${baseUrl} (web console: ${baseUrl}/, ${docs}health: ${baseUrl}/health)`);
  // Straight to the terminal, not through the logger: the demo password has no place in LOG_FILE.
  const banner = app.get(DemoSetupService).banner(baseUrl);
  if (banner.length > 0) process.stdout.write(`\n  ${banner.join('\n  ')}\n\n`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`pems-sync cannot start. ${error.message}\n`);
  } else {
    process.stderr.write(`pems-sync failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
