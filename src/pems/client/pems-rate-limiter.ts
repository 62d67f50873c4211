import { PemsConnection } from './pems-client.types';

/**
 * The gate every PEMS call passes first. PEMS limits requests per tenant, so the gate is
 * shared by everything in the app (and, in the real implementation, by every instance)
 * that talks to the same tenant. `acquire` resolves when the caller may send.
 */
export abstract class PemsRateLimiter {
  /**
   * `precondition` runs once the slot is due and before the caller is released; it may throw to
   * call the send off. Lateness is judged after it, so a slow check cannot make a send late.
   */
  abstract acquire(tenantKey: string, ratePerSecond: number, precondition?: () => Promise<void>): Promise<void>;
}

/**
 * The tenant a connection counts against: its base URL normalised (scheme and host in
 * lower case, default port, credentials, query and trailing slashes dropped) and the tenant.
 */
export function pemsTenantKey(conn: Pick<PemsConnection, 'baseUrl' | 'tenant'>): string {
  const raw = conn.baseUrl.trim();
  let base: string;
  try {
    const url = new URL(raw);
    base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    base = raw.toLowerCase().replace(/\/+$/, '');
  }
  return `${base}|${conn.tenant.trim()}`;
}
