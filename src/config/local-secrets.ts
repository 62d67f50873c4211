import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from './app-config';

interface LocalSecrets {
  jwtSecret: string;
  credentialsKey: string;
}

/**
 * Outside production, JWT_SECRET and CREDENTIALS_KEY may be left unset: they are generated
 * once and kept in DATA_DIR/secrets.json, so tokens and encrypted PEMS credentials survive a
 * restart. Production refuses to boot without them (validate-config.ts).
 */
export function fillLocalSecrets(config: AppConfig): AppConfig {
  if (config.JWT_SECRET && config.CREDENTIALS_KEY) return config;
  const file = join(config.DATA_DIR, 'secrets.json');
  let secrets: LocalSecrets;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  } else {
    secrets = { jwtSecret: randomBytes(48).toString('base64url'), credentialsKey: randomBytes(32).toString('base64') };
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  config.JWT_SECRET ??= secrets.jwtSecret;
  config.CREDENTIALS_KEY ??= secrets.credentialsKey;
  return config;
}
