import { PemsConnection } from './pems-client.types';

const MASK = '[REDACTED]';
/** Masking very short strings would garble every message they happen to occur in. */
const MIN_SECRET_LENGTH = 4;

/**
 * Removes a connection's secrets from text that may have come from elsewhere (an
 * ErrorAlert that echoes the request, a library's error message), before it is logged or
 * put in an error.
 */
export function redactCredentials(text: string, conn: PemsConnection): string {
  const secrets = [conn.password, conn.apiKey];
  if (conn.username !== undefined && conn.password !== undefined) {
    secrets.push(Buffer.from(`${conn.username}:${conn.password}`).toString('base64'), `${conn.username}:${conn.password}`);
  }
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join(MASK);
  }
  return result;
}
