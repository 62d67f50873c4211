import { BlockList, isIP } from 'node:net';

/** PEMS_ALLOWED_HOSTS, read: host names, `*.domain` wildcards, addresses and networks (CIDR). */
export interface AllowedHosts {
  names: Set<string>;
  suffixes: string[];
  addresses: BlockList;
}

/**
 * Reads PEMS_ALLOWED_HOSTS (comma- or space-separated). Answers the entries it cannot read as
 * problems, for the configuration's validation.
 */
export function readAllowedHosts(value: string): { hosts: AllowedHosts; problems: string[] } {
  const hosts: AllowedHosts = { names: new Set(), suffixes: [], addresses: new BlockList() };
  const problems: string[] = [];
  for (const entry of value.split(/[\s,]+/).filter(Boolean)) {
    const text = entry.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const [address, prefixText] = text.split('/');
    const family = isIP(address);
    if (family !== 0) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefixText === undefined) hosts.addresses.addAddress(address, type);
      else if (/^\d+$/.test(prefixText) && Number(prefixText) <= (family === 4 ? 32 : 128)) hosts.addresses.addSubnet(address, Number(prefixText), type);
      else problems.push(`${entry}: not a network (address/prefix)`);
    } else if (/^\*\.([a-z0-9-]+\.)*[a-z0-9-]+$/.test(text)) {
      hosts.suffixes.push(text.slice(1));
    } else if (/^([a-z0-9-]+\.)*[a-z0-9-]+$/.test(text) && prefixText === undefined) {
      hosts.names.add(text);
    } else {
      problems.push(`${entry}: not a host name, *.domain, address or network`);
    }
  }
  return { hosts, problems };
}

/** Whether the list names `host` (as the URL parser normalized it, without brackets): a name, a *.domain wildcard, an address or a network. */
export function listsHost(hosts: AllowedHosts, host: string): boolean {
  const family = isIP(host);
  if (family !== 0) return listsAddress(hosts, host, family);
  const name = host.toLowerCase().replace(/\.$/, '');
  return hosts.names.has(name) || hosts.suffixes.some((suffix) => name.endsWith(suffix));
}

/** Whether an address or network of the list covers `address` (an IPv4-mapped IPv6 address counts as its IPv4 address). */
export function listsAddress(hosts: AllowedHosts, address: string, family: number): boolean {
  if (hosts.addresses.check(address, family === 6 ? 'ipv6' : 'ipv4')) return true;
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  return mapped !== undefined && hosts.addresses.check(mapped, 'ipv4');
}
