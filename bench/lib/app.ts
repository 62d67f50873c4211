import { ConsoleLogger, INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, createWriteStream, WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';

/**
 * Nest's log lines of the app instances go to the benchmark's log file only (LOG_LEVEL=warn:
 * warnings and errors), so the results table stays readable; warnings and errors are counted.
 */
export class BenchFileLogger extends ConsoleLogger {
  private readonly file: WriteStream;
  readonly counts = { warn: 0, error: 0 };

  constructor(path: string) {
    super({ logLevels: ['fatal', 'error', 'warn'] });
    mkdirSync(dirname(path), { recursive: true });
    this.file = createWriteStream(path, { flags: 'a' });
  }

  protected override printMessages(messages: unknown[], context = '', logLevel: LogLevel = 'log', _stream?: 'stdout' | 'stderr', errorStack?: unknown): void {
    if (logLevel === 'warn') this.counts.warn += messages.length;
    if (logLevel === 'error' || logLevel === 'fatal') this.counts.error += messages.length;
    const stamp = new Date().toISOString();
    for (const message of messages) {
      const text = typeof message === 'string' ? message : inspect(message, { depth: 5, breakLength: Infinity });
      const stack = typeof errorStack === 'string' ? `\n${errorStack}` : '';
      this.file.write(`${stamp} ${logLevel.toUpperCase()} [${context}] ${text}${stack}\n`);
    }
  }

  note(line: string): void {
    this.file.write(`${new Date().toISOString()} BENCH ${line}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.file.end(resolve));
  }
}

export interface BenchApp {
  name: string;
  app: INestApplication;
  dataSource: DataSource;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/**
 * The real AppModule, set up as main.ts does (configureApp), listening on a free loopback
 * port. `env` holds for the configuration load (as test/support/test-app.ts does) and is
 * restored afterwards, so that instances with different settings can live in one process.
 */
export async function bootApp(name: string, givenEnv: Record<string, string>, logger: BenchFileLogger): Promise<BenchApp> {
  // The benchmarks' simulators listen on loopback.
  const env = { PEMS_ALLOWED_HOSTS: '127.0.0.1', ...givenEnv };
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  let app: INestApplication;
  try {
    app = await NestFactory.create(AppModule, { logger, abortOnError: false });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.note(`app ${name} listening on ${url} with ${JSON.stringify({ ...env, JWT_SECRET: '…', CREDENTIALS_KEY: '…' })}`);
  return { name, app, dataSource: app.get(DataSource), url, close: () => app.close() };
}
