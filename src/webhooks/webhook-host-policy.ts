import { Injectable } from '@nestjs/common';
import { LookupFunction, isIP } from 'node:net';
import { guardedLookup, isPublicAddress } from '../common/network-addresses';
import { AllowedHosts, listsAddress, listsHost, readAllowedHosts } from '../config/allowed-hosts';
import { AppConfig } from '../config/app-config';

/** The code of the error a refused webhook host gives at connect time. */
export const WEBHOOK_HOST_NOT_ALLOWED = 'ERR_WEBHOOK_HOST_NOT_ALLOWED';

/**
 * Where webhooks may be sent. An organization admin chooses the URL, so it must not become a way
 * into the deployment's own network (SSRF): a receiver is a public host reached over https, unless
 * the deployment lists it in WEBHOOK_ALLOWED_HOSTS, which may also name private or loopback hosts
 * and lets them be called over http. WEBHOOK_PUBLIC_HOSTS=false allows the listed hosts only.
 * Checked when the webhook is saved, before every attempt (the settings may have changed) and at
 * connect time against the addresses a name resolves to, so DNS cannot lead a delivery to
 * loopback, a private network or a cloud metadata service.
 */
@Injectable()
export class WebhookHostPolicy {
  private readonly hosts: AllowedHosts;
  private readonly publicHosts: boolean;

  constructor(config: AppConfig) {
    this.hosts = readAllowedHosts(config.WEBHOOK_ALLOWED_HOSTS).hosts;
    this.publicHosts = config.WEBHOOK_PUBLIC_HOSTS;
  }

  /** Why `target` may not receive webhooks, or null when it may. */
  problemWith(target: string): string | null {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return 'is not a URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an https URL';
    if (url.username || url.password) return 'must not hold credentials (user:password@)';
    // The URL parser has normalized the host: 0x7f000001 is 127.0.0.1, [::1] is ::1.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (listsHost(this.hosts, host)) return null;
    if (!this.publicHosts) return `host ${host} is not one of WEBHOOK_ALLOWED_HOSTS (set by the deployment)`;
    const family = isIP(host);
    if (family !== 0 && !isPublicAddress(host, family)) return `host ${host} is not a public address (the deployment may allow it in WEBHOOK_ALLOWED_HOSTS)`;
    if (family === 0 && (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))) {
      return `host ${host} is not a public host name (the deployment may allow it in WEBHOOK_ALLOWED_HOSTS)`;
    }
    if (url.protocol !== 'https:') return 'must be an https URL (http only for a host of WEBHOOK_ALLOWED_HOSTS)';
    return null;
  }

  /**
   * A dns.lookup for the deliveries' connections: a name (listed or not; problemWith decided whether
   * it may be called) must resolve to public addresses, or to ones the list covers.
   */
  readonly lookup: LookupFunction = guardedLookup(
    (address, family) => listsAddress(this.hosts, address, family) || isPublicAddress(address, family),
    (hostname, address) =>
      Object.assign(new Error(`webhook host ${hostname} resolves to ${address}, which is not a public address and not one of WEBHOOK_ALLOWED_HOSTS`), {
        code: WEBHOOK_HOST_NOT_ALLOWED,
      }),
  );
}
