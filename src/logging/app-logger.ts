import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { WriteStream, createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { LogLevelName } from '../config/app-config';
import { escapeControlCharacters } from './control-characters';

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
 * same lines, uncoloured and with an ISO timestamp, appended to LOG_FILE. A message's control
 * characters are escaped, in both: a value from PEMS or a user with a line break in it cannot
 * forge a log line. (A stack trace keeps its lines.)
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

  protected override printMessages(messages: unknown[], context = '', logLevel: LogLevel = 'log', writeStreamType?: 'stdout' | 'stderr', errorStack?: unknown): void {
    const escaped = messages.map((message) => (typeof message === 'string' ? escapeControlCharacters(message) : message));
    super.printMessages(escaped, escapeControlCharacters(context), logLevel, writeStreamType, errorStack);
    if (!this.file) return;
    const stamp = new Date().toISOString();
    context = escapeControlCharacters(context);
    for (const message of escaped) {
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
