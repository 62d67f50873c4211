import { AppConfig } from './app-config';
import { fillLocalSecrets } from './local-secrets';
import { validateConfig } from './validate-config';

/** The process's configuration: the environment validated, secrets filled in outside production. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return fillLocalSecrets(validateConfig(env));
}
