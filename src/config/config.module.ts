import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadAppConfig } from './load-app-config';

/**
 * The validated AppConfig, once per app; a variable set under its old name is reported here,
 * where the app's logger writes it (main.ts reads the config earlier, before there is one).
 */
export function provideAppConfig(env: NodeJS.ProcessEnv = process.env, logger: Pick<Logger, 'warn'> = new Logger('AppConfig')): AppConfig {
  const config = loadAppConfig(env);
  for (const deprecation of config.deprecations) logger.warn(deprecation);
  return config;
}

/** Provides the validated AppConfig everywhere; inject it by its class. Global: nearly every module reads it. */
@Global()
@Module({
  providers: [{ provide: AppConfig, useFactory: () => provideAppConfig() }],
  exports: [AppConfig],
})
export class AppConfigModule {}
