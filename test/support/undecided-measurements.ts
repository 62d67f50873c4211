import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the test files note the measurements they could not decide, for the summary at the end of the run. */
const FILE = join(__dirname, '..', '..', 'logs', 'undecided-measurements.log');

/** Says, on stderr at once and in the run's closing summary, that a measurement could not be decided. */
export function noteUndecided(line: string): void {
  process.stderr.write(`\n${line}\n`);
  mkdirSync(dirname(FILE), { recursive: true });
  appendFileSync(FILE, `${line}\n`);
}

export function forgetUndecided(): void {
  rmSync(FILE, { force: true });
}

/** The closing summary: every measurement of the run that could not be decided, or nothing. */
export function undecidedSummary(): string | null {
  if (!existsSync(FILE)) return null;
  const lines = readFileSync(FILE, 'utf8').trim().split('\n').filter(Boolean);
  if (lines.length === 0) return null;
  return [`${lines.length} measurement(s) could not be decided on this machine (the checks that could, passed):`, ...lines.map((line) => `  - ${line}`)].join('\n');
}
