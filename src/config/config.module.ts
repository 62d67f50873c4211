import { Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadAppConfig } from './load-app-config';

/** Provides the validated AppConfig everywhere; inject it by its class. Global: nearly every module reads it. */
@Global()
@Module({
  providers: [{ provide: AppConfig, useFactory: () => loadAppConfig() }],
  exports: [AppConfig],
})
export class AppConfigModule {}
