import 'reflect-metadata';
import { ConfigValidationError, validateConfig } from './validate-config';

const KEY = Buffer.alloc(32, 9).toString('base64');
const JWT_SECRET = 'a-jwt-secret-of-at-least-thirty-two-characters';

/** The error validateConfig throws for `env`, or a failure when it throws none. */
function problemsOf(env: NodeJS.ProcessEnv): ConfigValidationError {
  try {
    validateConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error(`validateConfig accepted ${JSON.stringify(env)}`);
}

describe('validateConfig', () => {
  it('applies the defaults of SPEC §3 to an empty environment', () => {
    const config = validateConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      JWT_EXPIRES_IN: '1h',
      ENABLE_PEMS_WRITE_SYNC: true,
      PEMS_WRITE_SYNC_SCHEDULE: '* * * * *',
      PEMS_WRITE_SYNC_BATCH_SIZE: 100,
      PEMS_WRITE_SYNC_MAX_BATCHES_PER_RUN: 0,
      PEMS_RATE_LIMIT_PER_SECOND: 10,
      PEMS_WRITE_SYNC_MAX_RETRIES: 3,
      PEMS_WRITE_SYNC_RETRY_DELAYS_MS: [5000, 10000, 20000],
      PEMS_WRITE_SYNC_LEASE_MS: 60000,
      PEMS_REQUEST_TIMEOUT_MS: 30000,
      PEMS_AUTH_PAUSE_MS: 300000,
      PEMS_READ_SYNC_MAX_DELETE_PERCENT: 10,
      LOG_LEVEL: 'info',
      LOG_FILE: 'logs/app.log',
      embeddedDatabase: true,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PEMS_READ_SYNC_SCHEDULE).toBeUndefined();
  });

  it('reads and converts the values given, and treats blank ones as unset', () => {
    const config = validateConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://pems:pw@db:5432/pems',
      ENABLE_PEMS_WRITE_SYNC: 'false',
      PEMS_WRITE_SYNC_SCHEDULE: '*/10 * * * * *',
      PEMS_WRITE_SYNC_RETRY_DELAYS_MS: '1000, 2000,4000',
      PEMS_WRITE_SYNC_BATCH_SIZE: '250',
      PEMS_READ_SYNC_SCHEDULE: '0 2 * * *',
      PEMS_READ_SYNC_MAX_DELETE_PERCENT: '0',
      CREDENTIALS_KEY: KEY,
      LOG_LEVEL: ' ',
      UNRELATED: 'ignored',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'postgres://pems:pw@db:5432/pems',
      ENABLE_PEMS_WRITE_SYNC: false,
      PEMS_WRITE_SYNC_SCHEDULE: '*/10 * * * * *',
      PEMS_WRITE_SYNC_RETRY_DELAYS_MS: [1000, 2000, 4000],
      PEMS_WRITE_SYNC_BATCH_SIZE: 250,
      PEMS_READ_SYNC_SCHEDULE: '0 2 * * *',
      PEMS_READ_SYNC_MAX_DELETE_PERCENT: 0,
      CREDENTIALS_KEY: KEY,
      LOG_LEVEL: 'info',
      embeddedDatabase: false,
    });
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PEMS_WRITE_SYNC_SCHEDULE', 'not cron'],
    ['PEMS_WRITE_SYNC_SCHEDULE', '* * * *'],
    ['PEMS_WRITE_SYNC_SCHEDULE', '99 * * * *'],
    ['PEMS_READ_SYNC_SCHEDULE', 'every night'],
    ['PEMS_WRITE_SYNC_RETRY_DELAYS_MS', '5000,x'],
    ['PEMS_WRITE_SYNC_RETRY_DELAYS_MS', '5000,,20000'],
    ['PEMS_WRITE_SYNC_RETRY_DELAYS_MS', '-5,10'],
    ['CREDENTIALS_KEY', Buffer.alloc(16, 1).toString('base64')],
    ['CREDENTIALS_KEY', 'not base64 at all!'],
    ['ENABLE_PEMS_WRITE_SYNC', 'maybe'],
    ['DATABASE_URL', 'mysql://root@localhost:3306/pems'],
    ['PEMS_WRITE_SYNC_BATCH_SIZE', '0'],
    ['PEMS_WRITE_SYNC_RATE_LIMIT', '2.5'],
    ['PEMS_READ_SYNC_MAX_DELETE_PERCENT', '101'],
    ['PEMS_READ_SYNC_MAX_DELETE_PERCENT', '-1'],
    ['PEMS_READ_SYNC_MAX_DELETE_PERCENT', '12.5'],
    ['PEMS_READ_SYNC_MAX_DELETE_PERCENT', '10%'],
    ['JWT_EXPIRES_IN', 'forever'],
    ['JWT_SECRET', 'too-short'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    const error = problemsOf({ [name]: value });
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems.filter((problem) => !problem.startsWith(name))).toEqual([]);
    expect(error.message).toContain(name);
  });

  it('lists every bad variable at once', () => {
    const error = problemsOf({
      PORT: 'abc',
      PEMS_WRITE_SYNC_SCHEDULE: 'not cron',
      PEMS_WRITE_SYNC_RETRY_DELAYS_MS: '5000,x',
      CREDENTIALS_KEY: 'c2hvcnQ=',
      ENABLE_PEMS_WRITE_SYNC: 'maybe',
      DATABASE_URL: 'mysql://root@localhost/pems',
    });
    const named = ['PORT', 'PEMS_WRITE_SYNC_SCHEDULE', 'PEMS_WRITE_SYNC_RETRY_DELAYS_MS', 'CREDENTIALS_KEY', 'ENABLE_PEMS_WRITE_SYNC', 'DATABASE_URL'];
    for (const variable of named) {
      expect(error.problems.filter((problem) => problem.startsWith(variable))).not.toHaveLength(0);
      expect(error.message).toContain(variable);
    }
    expect(error.message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(error.problems.length);
  });

  it('requires JWT_SECRET, CREDENTIALS_KEY and DATABASE_URL in production', () => {
    const error = problemsOf({ NODE_ENV: 'production' });
    expect(error.problems).toEqual([
      expect.stringContaining('JWT_SECRET is required'),
      expect.stringContaining('CREDENTIALS_KEY is required'),
      expect.stringContaining('DATABASE_URL is required'),
    ]);
    const config = validateConfig({ NODE_ENV: 'production', JWT_SECRET, CREDENTIALS_KEY: KEY, DATABASE_URL: 'postgresql://pems@db/pems' });
    expect(config).toMatchObject({ NODE_ENV: 'production', embeddedDatabase: false });
  });

  it('asks in production for exactly the secret that is missing', () => {
    const error = problemsOf({ NODE_ENV: 'production', JWT_SECRET, DATABASE_URL: 'postgres://pems@db/pems' });
    expect(error.problems).toEqual([expect.stringContaining('CREDENTIALS_KEY')]);
  });

  it('never echoes a secret in the message', () => {
    const secrets = {
      JWT_SECRET: 'short-jwt-secret-value',
      CREDENTIALS_KEY: 'c2VjcmV0LWtleS12YWx1ZQ==',
      DATABASE_URL: 'mysql://admin:Sup3rS3cretDbPass@db.internal:3306/pems',
    };
    const error = problemsOf(secrets);
    expect(error.problems.map((problem) => problem.split(/[: ]/)[0])).toEqual(expect.arrayContaining(['JWT_SECRET', 'CREDENTIALS_KEY', 'DATABASE_URL']));
    expect(error.message).not.toContain('short-jwt-secret-value');
    expect(error.message).not.toContain('c2VjcmV0LWtleS12YWx1ZQ==');
    expect(error.message).not.toContain('Sup3rS3cretDbPass');
  });

  it('shows a harmless bad value so the operator sees what was read', () => {
    expect(problemsOf({ PORT: 'abc' }).message).toContain('"abc"');
  });

  it('refuses a token lifetime above 24 hours, and accepts one up to it', () => {
    expect(problemsOf({ JWT_EXPIRES_IN: '30d' }).message).toMatch(/JWT_EXPIRES_IN must be at most 24h/);
    expect(problemsOf({ JWT_EXPIRES_IN: '86401' }).message).toMatch(/JWT_EXPIRES_IN must be at most 24h/);
    expect(validateConfig({ JWT_EXPIRES_IN: '24h' }).JWT_EXPIRES_IN).toBe('24h');
  });

  it('never echoes METRICS_TOKEN', () => {
    expect(problemsOf({ METRICS_TOKEN: 'short-secret' }).message).not.toContain('short-secret');
  });
});
