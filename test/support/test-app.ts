import { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';

export interface TestApp {
  app: INestApplication;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The real AppModule on the real database, with the same setup as main.ts. */
export async function createTestApp(env: Record<string, string> = {}, logger?: LoggerService): Promise<TestApp> {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    // TEST_LOG=1 shows the app's own log lines while a test runs.
    const app = moduleRef.createNestApplication({ logger: logger ?? (process.env.TEST_LOG ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn']) });
    configureApp(app);
    await app.init();
    return { app, dataSource: app.get(DataSource), close: () => app.close() };
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
