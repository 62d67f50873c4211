import { Injectable } from '@nestjs/common';
import { LookupFunction } from 'node:net';
import { guardedLookup, isPublicAddress } from '../common/network-addresses';
import { AllowedHosts, listsAddress, listsHost, readAllowedHosts } from '../config/allowed-hosts';
import { AppConfig } from '../config/app-config';

/** The code of the error a refused PEMS host gives, at send or at connect time. */
export const PEMS_HOST_NOT_ALLOWED = 'ERR_PEMS_HOST_NOT_ALLOWED';

/**
 * Which PEMS hosts pems-sync may call: those PEMS_ALLOWED_HOSTS names (the deployment's
 * environment, never a user), and in demo mode the in-process simulator's origin. Checked when an
 * API server is saved, again before every send (the list may have changed since), and at connect
 * time against the address a name resolves to.
 */
@Injectable()
export class PemsHostPolicy {
  private readonly hosts: AllowedHosts;
  private readonly origins = new Set<string>();

  constructor(config: AppConfig) {
    this.hosts = readAllowedHosts(config.PEMS_ALLOWED_HOSTS).hosts;
  }

  /** Allows one more origin (scheme, host and port): demo mode's own simulator. */
  allowOrigin(origin: string): void {
    this.origins.add(new URL(origin).origin);
  }

  /** Why `baseUrl` may not be called, or null when it may. */
  problemWith(baseUrl: string): string | null {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      return 'is not a URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
    if (url.username || url.password) return 'must not hold credentials (give them as username and password)';
    if (this.origins.has(url.origin)) return null;
    // The URL parser has normalized the host: 0x7f000001 is 127.0.0.1, [::1] is ::1.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (this.allowsHost(host)) return null;
    return `host ${host} is not one of PEMS_ALLOWED_HOSTS (set by the deployment)`;
  }

  /**
   * A dns.lookup for the PEMS client's connections: a name PEMS_ALLOWED_HOSTS allows must resolve
   * to a public address, or to one the list names itself.
   */
  readonly lookup: LookupFunction = guardedLookup(
    (address, family) => this.allowsAddress(address, family),
    (hostname, address) =>
      Object.assign(new Error(`PEMS host ${hostname} resolves to ${address}, which is not a public address and not one of PEMS_ALLOWED_HOSTS`), { code: PEMS_HOST_NOT_ALLOWED }),
  );

  private allowsHost(host: string): boolean {
    return listsHost(this.hosts, host);
  }

  private allowsAddress(address: string, family: number): boolean {
    return listsAddress(this.hosts, address, family) || isPublicAddress(address, family);
  }
}
