import { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { BlockList, LookupFunction } from 'node:net';

/**
 * Addresses that are not on the public internet: loopback, private networks, link-local (cloud
 * metadata services live there), carrier-grade NAT, multicast, the unspecified address. The host
 * policies (PEMS_ALLOWED_HOSTS, WEBHOOK_ALLOWED_HOSTS) never let a name lead a call to one of these
 * (DNS rebinding) unless an address or network of their list covers it.
 *
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are read as their IPv4 address (isPublicAddress), not
 * listed as a range: node's BlockList matches every IPv4 address against a ::ffff:0:0/96 rule, which
 * would make every public IPv4 address non-public.
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
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** An IPv4 address written as IPv6 (::ffff:127.0.0.1), as its IPv4 address; undefined for any other. */
export function mappedIpv4(address: string): string | undefined {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
}

/** Whether `address` (of IP family 4 or 6) is on the public internet; an IPv4-mapped IPv6 address is read as its IPv4 address. */
export function isPublicAddress(address: string, family: number): boolean {
  const mapped = family === 6 ? mappedIpv4(address) : undefined;
  if (mapped) return isPublicAddress(mapped, 4);
  return !NOT_PUBLIC.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * A dns.lookup for outgoing connections that fails with `refusal` when a name resolves to an
 * address `allows` refuses (any of its addresses: a connection may try each).
 */
export function guardedLookup(allows: (address: string, family: number) => boolean, refusal: (hostname: string, address: string) => Error): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, []);
      const refused = addresses.find((entry) => !allows(entry.address, entry.family));
      if (refused) return callback(refusal(hostname, refused.address), []);
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
