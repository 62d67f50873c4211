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

const SETTINGS = new Set(Object.keys(new AppConfig()).concat(['DATABASE_URL', 'JWT_SECRET', 'CREDENTIALS_KEY', 'PEMS_READ_SYNC_SCHEDULE', 'API_DOCS', 'METRICS_TOKEN', 'TRUST_PROXY']));

/**
 * Turns the environment into a typed AppConfig, or throws one error that lists every bad
 * variable with what is wrong with it. Empty strings count as unset, as in a .env file
 * where a line is left blank.
 */
export function validateConfig(env: NodeJS.ProcessEnv): AppConfig {
  const relevant: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (SETTINGS.has(key) && value !== undefined && value.trim() !== '') relevant[key] = value.trim();
  }
  const config = plainToInstance(AppConfig, relevant, { exposeDefaultValues: true });
  const problems = validateSync(config, { skipMissingProperties: false }).flatMap((error) => describe(error, relevant));

  if (config.NODE_ENV === 'production') {
    if (!config.JWT_SECRET) problems.push('JWT_SECRET is required when NODE_ENV=production');
    if (!config.CREDENTIALS_KEY) problems.push('CREDENTIALS_KEY is required when NODE_ENV=production');
    if (!config.DATABASE_URL) problems.push('DATABASE_URL is required when NODE_ENV=production (the embedded PostgreSQL is for demos and development)');
  }
  if (config.CREDENTIALS_KEY && !isBase64Key(config.CREDENTIALS_KEY)) {
    problems.push('CREDENTIALS_KEY must be 32 bytes encoded in base64 (e.g. the output of `openssl rand -base64 32`)');
  }
  for (const problem of readAllowedHosts(config.PEMS_ALLOWED_HOSTS).problems) problems.push(`PEMS_ALLOWED_HOSTS: ${problem}`);
  if (problems.length > 0) throw new ConfigValidationError(problems);

  Object.assign(config, { embeddedDatabase: !config.DATABASE_URL });
  return config;
}

function describe(error: ValidationError, raw: Record<string, string>): string[] {
  const given = raw[error.property];
  const shown = given === undefined ? '' : ` (got "${shownValue(error.property, given)}")`;
  return Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}${shown}`);
}

/** Secrets are never echoed; a URL keeps its shape with the password masked. */
function shownValue(name: string, value: string): string {
  if (name.includes('SECRET') || name.includes('KEY') || name.includes('TOKEN')) return '***';
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

function isBase64Key(value: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
}
