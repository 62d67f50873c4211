import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { readAllowedHosts } from './allowed-hosts';
import { AppConfig } from './app-config';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

const SETTINGS = new Set(
  Object.keys(new AppConfig()).concat(['DATABASE_URL', 'JWT_SECRET', 'CREDENTIALS_KEY', 'PEMS_READ_SYNC_SCHEDULE', 'API_DOCS', 'METRICS_TOKEN', 'TRUST_PROXY']),
);

/** Variables renamed because their old name misled; the old name is still read, with a warning. */
const RENAMED: Record<string, keyof AppConfig> = {
  // It limits every PEMS request of a tenant, the reads of read sync too, not only write sync's.
  PEMS_WRITE_SYNC_RATE_LIMIT: 'PEMS_RATE_LIMIT_PER_SECOND',
};

/**
 * Turns the environment into a typed AppConfig, or throws one error that lists every bad
 * variable with what is wrong with it. Empty strings count as unset, as in a .env file
 * where a line is left blank.
 */
export function validateConfig(env: NodeJS.ProcessEnv): AppConfig {
  const relevant: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if ((SETTINGS.has(key) || key in RENAMED) && value !== undefined && value.trim() !== '') relevant[key] = value.trim();
  }
  const { settings, givenAs, problems, deprecations } = readRenamed(relevant);
  const config = plainToInstance(AppConfig, settings, { exposeDefaultValues: true });
  problems.push(...validateSync(config, { skipMissingProperties: false }).flatMap((error) => describe(error, settings, givenAs)));

  if (config.NODE_ENV === 'production') {
    if (!config.JWT_SECRET) problems.push('JWT_SECRET is required when NODE_ENV=production');
    if (!config.CREDENTIALS_KEY) problems.push('CREDENTIALS_KEY is required when NODE_ENV=production');
    if (!config.DATABASE_URL) problems.push('DATABASE_URL is required when NODE_ENV=production (the embedded PostgreSQL is for demos and development)');
  }
  if (config.CREDENTIALS_KEY && !isBase64Key(config.CREDENTIALS_KEY)) {
    problems.push('CREDENTIALS_KEY must be 32 bytes encoded in base64 (e.g. the output of `openssl rand -base64 32`)');
  }
  for (const problem of readAllowedHosts(config.PEMS_ALLOWED_HOSTS).problems) problems.push(`PEMS_ALLOWED_HOSTS: ${problem}`);
  for (const problem of readAllowedHosts(config.WEBHOOK_ALLOWED_HOSTS).problems) problems.push(`WEBHOOK_ALLOWED_HOSTS: ${problem}`);
  if (problems.length > 0) throw new ConfigValidationError(problems);

  Object.assign(config, { embeddedDatabase: !config.DATABASE_URL, deprecations });
  return config;
}

/**
 * Moves each variable set under its old name to its new one. Both names set to different
 * values is refused: either could be the one meant, and a rate limit guessed wrong either
 * floods PEMS or starves the sync.
 */
function readRenamed(relevant: Record<string, string>) {
  const settings = { ...relevant };
  const givenAs: Record<string, string> = {};
  const problems: string[] = [];
  const deprecations: string[] = [];
  for (const [old, current] of Object.entries(RENAMED)) {
    const value = settings[old];
    if (value === undefined) continue;
    delete settings[old];
    deprecations.push(`${old} is deprecated and will be removed: set ${current} instead`);
    if (settings[current] === undefined) {
      settings[current] = value;
      givenAs[current] = old;
    } else if (settings[current] !== value) {
      problems.push(`${old} (the old name of ${current}) and ${current} are both set, to different values: set ${current} only`);
    }
  }
  return { settings, givenAs, problems, deprecations };
}

/** A problem names the variable as the operator set it, the old name included. */
function describe(error: ValidationError, raw: Record<string, string>, givenAs: Record<string, string>): string[] {
  const name = givenAs[error.property] ?? error.property;
  const given = raw[error.property];
  const shown = given === undefined ? '' : ` (got "${shownValue(name, given)}")`;
  return Object.values(error.constraints ?? {}).map((message) => `${name}: ${message.split(error.property).join(name)}${shown}`);
}

/** Secrets are never echoed; a URL keeps its shape with the password masked. */
function shownValue(name: string, value: string): string {
  if (name.includes('SECRET') || name.includes('KEY') || name.includes('TOKEN')) return '***';
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

function isBase64Key(value: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
}
