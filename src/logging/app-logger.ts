import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { WriteStream, createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { LogLevelName } from '../config/app-config';

const LEVELS_FROM: Record<LogLevelName, LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Nest's own console format on stdout (`[Nest] pid - time LOG [Context] message`), and the
 * same lines, uncoloured and with an ISO timestamp, appended to LOG_FILE.
 */
export class AppLogger extends ConsoleLogger {
  private readonly file?: WriteStream;

  constructor(level: LogLevelName, logFile?: string) {
    super({ logLevels: LEVELS_FROM[level] });
    if (logFile) {
      mkdirSync(dirname(logFile), { recursive: true });
      this.file = createWriteStream(logFile, { flags: 'a' });
      this.file.on('error', (error) => process.stderr.write(`Cannot write the log file ${logFile}: ${error.message}\n`));
    }
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, writeStreamType, errorStack);
    if (!this.file) return;
    const stamp = new Date().toISOString();
    for (const message of messages) {
      const text = typeof message === 'string' ? message : inspect(message, { depth: 5, breakLength: Infinity });
      const stack = typeof errorStack === 'string' ? `\n${errorStack}` : '';
      this.file.write(`${stamp} ${logLevel.toUpperCase()} [${context}] ${text}${stack}\n`);
    }
  }

  /** Flushes the log file; used at shutdown so the last lines are not lost. */
  async close(): Promise<void> {
    if (!this.file) return;
    await new Promise<void>((resolve) => this.file!.end(resolve));
  }
}
