import { existsSync } from 'node:fs';
import { AppConfig } from './app-config';
import { fillLocalSecrets } from './local-secrets';
import { validateConfig } from './validate-config';

/**
 * The process's configuration: a `.env` file in the working folder is read first (variables
 * already in the environment win), then the environment is validated and, outside
 * production, the secrets filled in.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  return fillLocalSecrets(validateConfig(env));
}
