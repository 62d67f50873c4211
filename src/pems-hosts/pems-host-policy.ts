import { Injectable } from '@nestjs/common';
import { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { BlockList, LookupFunction, isIP } from 'node:net';
import { AllowedHosts, readAllowedHosts } from '../config/allowed-hosts';
import { AppConfig } from '../config/app-config';

/** The code of the error a refused PEMS host gives, at send or at connect time. */
export const PEMS_HOST_NOT_ALLOWED = 'ERR_PEMS_HOST_NOT_ALLOWED';

/**
 * Addresses that are not on the public internet: loopback, private networks, link-local (cloud
 * metadata services live there), carrier-grade NAT, multicast, the unspecified address. A host
 * allowed by its name may still not resolve to one of these (DNS rebinding), unless an address or
 * network of PEMS_ALLOWED_HOSTS covers it.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['::ffff:0:0', 96],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

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
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, []);
      const refused = addresses.find((entry) => !this.allowsAddress(entry.address, entry.family));
      if (refused) {
        const message = `PEMS host ${hostname} resolves to ${refused.address}, which is not a public address and not one of PEMS_ALLOWED_HOSTS`;
        return callback(Object.assign(new Error(message), { code: PEMS_HOST_NOT_ALLOWED }), []);
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };

  private allowsHost(host: string): boolean {
    const family = isIP(host);
    if (family !== 0) return this.hosts.addresses.check(host, family === 4 ? 'ipv4' : 'ipv6');
    const name = host.toLowerCase().replace(/\.$/, '');
    return this.hosts.names.has(name) || this.hosts.suffixes.some((suffix) => name.endsWith(suffix));
  }

  private allowsAddress(address: string, family: number): boolean {
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (this.hosts.addresses.check(address, type)) return true;
    const mapped = type === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
    if (mapped) return this.allowsAddress(mapped, 4);
    return !NOT_PUBLIC.check(address, type);
  }
}
