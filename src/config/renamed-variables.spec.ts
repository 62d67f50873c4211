import 'reflect-metadata';
import { provideAppConfig } from './config.module';
import { ConfigValidationError, validateConfig } from './validate-config';

/** Secrets given, so that loading the config writes no DATA_DIR/secrets.json. */
const SECRETS = { JWT_SECRET: 'a-jwt-secret-of-at-least-thirty-two-characters', CREDENTIALS_KEY: Buffer.alloc(32, 9).toString('base64') };

describe('PEMS_RATE_LIMIT_PER_SECOND and its old name PEMS_WRITE_SYNC_RATE_LIMIT', () => {
  it('reads the new name, with nothing deprecated', () => {
    const config = validateConfig({ PEMS_RATE_LIMIT_PER_SECOND: '25' });
    expect(config.PEMS_RATE_LIMIT_PER_SECOND).toBe(25);
    expect(config.deprecations).toEqual([]);
  });

  it('still reads the old name, and says it is deprecated', () => {
    const config = validateConfig({ PEMS_WRITE_SYNC_RATE_LIMIT: '25' });
    expect(config.PEMS_RATE_LIMIT_PER_SECOND).toBe(25);
    expect(config).not.toHaveProperty('PEMS_WRITE_SYNC_RATE_LIMIT');
    expect(config.deprecations).toEqual(['PEMS_WRITE_SYNC_RATE_LIMIT is deprecated and will be removed: set PEMS_RATE_LIMIT_PER_SECOND instead']);
  });

  it('logs the deprecation once when the app loads its config', () => {
    const warn = jest.fn();
    const config = provideAppConfig({ ...SECRETS, PEMS_WRITE_SYNC_RATE_LIMIT: '25' }, { warn });
    expect(config.PEMS_RATE_LIMIT_PER_SECOND).toBe(25);
    expect(warn.mock.calls).toEqual([[expect.stringContaining('PEMS_WRITE_SYNC_RATE_LIMIT is deprecated')]]);

    warn.mockClear();
    provideAppConfig({ ...SECRETS, PEMS_RATE_LIMIT_PER_SECOND: '25' }, { warn });
    expect(warn).not.toHaveBeenCalled();
  });

  it('names the old variable when its value is bad', () => {
    expect(() => validateConfig({ PEMS_WRITE_SYNC_RATE_LIMIT: '0' })).toThrow(/PEMS_WRITE_SYNC_RATE_LIMIT: PEMS_WRITE_SYNC_RATE_LIMIT must not be less than 1 \(got "0"\)/);
  });

  it('accepts both names set to the same value, still saying the old one is deprecated', () => {
    const config = validateConfig({ PEMS_RATE_LIMIT_PER_SECOND: '25', PEMS_WRITE_SYNC_RATE_LIMIT: '25' });
    expect(config.PEMS_RATE_LIMIT_PER_SECOND).toBe(25);
    expect(config.deprecations).toEqual([expect.stringContaining('PEMS_WRITE_SYNC_RATE_LIMIT is deprecated')]);
  });

  it('refuses both names set to different values, naming both', () => {
    let error: unknown;
    try {
      validateConfig({ PEMS_RATE_LIMIT_PER_SECOND: '25', PEMS_WRITE_SYNC_RATE_LIMIT: '10' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      'PEMS_WRITE_SYNC_RATE_LIMIT (the old name of PEMS_RATE_LIMIT_PER_SECOND) and PEMS_RATE_LIMIT_PER_SECOND are both set, to different values: set PEMS_RATE_LIMIT_PER_SECOND only',
    ]);
  });
});
