import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { SeedFileError, SeedService } from '../admin/seed/seed.service';
import { AppException } from '../common/errors/app.exception';
import { loadAppConfig } from '../config/load-app-config';
import { ConfigValidationError } from '../config/validate-config';
import { AppLogger } from '../logging/app-logger';
import { CliModule } from './cli.module';

const USAGE = `Usage: npm run cli -- seed <file.json>

  seed <file.json>   create or update organizations (with their PEMS API server), users and
                     memberships from the file; running it again changes nothing.`;

/** The operators' command line. Exit codes: 0 done, 1 failed, 2 wrong usage. */
async function main(args: string[]): Promise<number> {
  const [command, path] = args;
  if (command !== 'seed' || !path || args.length > 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    process.stderr.write(`Cannot read ${path} as JSON: ${(error as Error).message}\n`);
    return 1;
  }

  const config = loadAppConfig();
  const app = await NestFactory.createApplicationContext(CliModule, { logger: new AppLogger('warn', config.LOG_FILE) });
  try {
    const report = await app.get(SeedService).seed(content);
    for (const line of report) process.stdout.write(`${line.outcome.padEnd(9)} ${line.kind} ${line.name}\n`);
    const created = report.filter((line) => line.outcome === 'created').length;
    const updated = report.filter((line) => line.outcome === 'updated').length;
    process.stdout.write(`Seeded ${path}: ${created} created, ${updated} updated, ${report.length - created - updated} unchanged\n`);
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof SeedFileError || error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
    } else if (error instanceof AppException) {
      const details = (error.errors ?? []).map((problem) => `\n  - ${problem.field}: ${problem.message}`).join('');
      process.stderr.write(`${error.message}${details}\n`);
    } else {
      process.stderr.write(`The command failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exit(1);
  });
