import { IncomingHttpHeaders } from 'node:http';

/** What a tenant accepts: Basic user/password, an API key, or both. */
export interface PemsSimulatorCredentials {
  username?: string;
  password?: string;
  apiKey?: string;
}

export type PresentedCredentials = { type: 'basic'; username: string; password: string } | { type: 'api_key'; key: string } | null;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the credentials of a request (X-Api-Key first, then Authorization: Basic). */
export function presentedCredentials(headers: IncomingHttpHeaders): PresentedCredentials {
  const apiKey = header(headers, 'x-api-key');
  if (apiKey !== undefined) return { type: 'api_key', key: apiKey };
  const authorization = header(headers, 'authorization');
  const match = authorization ? /^Basic\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { type: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The tenants the simulator knows and the credentials each accepts. */
export class PemsTenantAuthenticator {
  private readonly tenants = new Map<string, PemsSimulatorCredentials>();

  constructor(tenants: Record<string, PemsSimulatorCredentials>) {
    this.replaceAll(tenants);
  }

  replaceAll(tenants: Record<string, PemsSimulatorCredentials>): void {
    this.tenants.clear();
    for (const [tenant, credentials] of Object.entries(tenants)) this.set(tenant, credentials);
  }

  set(tenant: string, credentials: PemsSimulatorCredentials): void {
    this.tenants.set(tenant, { ...credentials });
  }

  list(): Record<string, PemsSimulatorCredentials> {
    return Object.fromEntries([...this.tenants].map(([tenant, credentials]) => [tenant, { ...credentials }]));
  }

  accepts(tenant: string, presented: PresentedCredentials): boolean {
    const expected = this.tenants.get(tenant);
    if (!expected || !presented) return false;
    if (presented.type === 'api_key') return expected.apiKey !== undefined && expected.apiKey === presented.key;
    return expected.username !== undefined && expected.password !== undefined && expected.username === presented.username && expected.password === presented.password;
  }
}
