/**
 * The PEMS tenant an API server counts against: its base URL normalised (scheme and host in
 * lower case, default port, credentials, query and trailing slashes dropped) and the tenant.
 * PEMS limits requests per tenant, so every server with the same key shares one budget
 * (docs/rate-limiting.md). Stored on api_servers.tenant_key, so that the claim can skip the
 * items of a paused tenant.
 */
export function pemsTenantKey(server: { baseUrl: string; tenant: string }): string {
  const raw = server.baseUrl.trim();
  let base: string;
  try {
    const url = new URL(raw);
    base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    base = raw.toLowerCase().replace(/\/+$/, '');
  }
  return `${base}|${server.tenant.trim()}`;
}
