import 'reflect-metadata';
import { LookupAddress } from 'node:dns';
import { readAllowedHosts } from '../config/allowed-hosts';
import { AppConfig } from '../config/app-config';
import { validateConfig } from '../config/validate-config';
import { PEMS_HOST_NOT_ALLOWED, PemsHostPolicy } from './pems-host-policy';

const policy = (allowed: string) => new PemsHostPolicy(Object.assign(new AppConfig(), { PEMS_ALLOWED_HOSTS: allowed }));

function resolve(hosts: PemsHostPolicy, name: string): Promise<LookupAddress[]> {
  return new Promise((done, fail) => hosts.lookup(name, { all: true }, (error, addresses) => (error ? fail(error) : done(addresses as LookupAddress[]))));
}

describe('PemsHostPolicy', () => {
  it('allows listed names, *.domain wildcards (subdomains only), addresses and networks', () => {
    const hosts = policy('pems.example.com, *.hxgnsmartcloud.com 10.20.0.0/16 192.0.2.7 [2001:db8::1]');
    expect(hosts.problemWith('https://pems.example.com/axis')).toBeNull();
    expect(hosts.problemWith('https://PEMS.example.com./axis')).toBeNull();
    expect(hosts.problemWith('https://us1.eam.hxgnsmartcloud.com:443/axis')).toBeNull();
    expect(hosts.problemWith('https://hxgnsmartcloud.com/axis')).toMatch(/not one of PEMS_ALLOWED_HOSTS/);
    expect(hosts.problemWith('https://evilhxgnsmartcloud.com/axis')).toMatch(/not one of PEMS_ALLOWED_HOSTS/);
    expect(hosts.problemWith('http://10.20.3.4:8080/axis')).toBeNull();
    expect(hosts.problemWith('http://10.21.0.1/axis')).toMatch(/not one of/);
    expect(hosts.problemWith('http://192.0.2.7/axis')).toBeNull();
    expect(hosts.problemWith('http://[2001:db8::1]/axis')).toBeNull();
  });

  it('reads a host as the URL parser does: hex, octal and dotless forms of loopback are loopback', () => {
    const hosts = policy('pems.example.com');
    for (const url of ['http://0x7f000001/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/']) {
      expect(hosts.problemWith(url)).toMatch(/not one of PEMS_ALLOWED_HOSTS/);
    }
  });

  it('refuses credentials in the URL and schemes other than http(s)', () => {
    const hosts = policy('pems.example.com');
    expect(hosts.problemWith('https://user:pw@pems.example.com/')).toMatch(/credentials/);
    expect(hosts.problemWith('https://user@pems.example.com/')).toMatch(/credentials/);
    expect(hosts.problemWith('ftp://pems.example.com/')).toMatch(/http or https/);
    expect(hosts.problemWith('not a url')).toMatch(/not a URL/);
  });

  it('allows one more origin at run time (the demo simulator), and only that origin', () => {
    const hosts = policy('');
    hosts.allowOrigin('http://127.0.0.1:40000');
    expect(hosts.problemWith('http://127.0.0.1:40000/axis')).toBeNull();
    expect(hosts.problemWith('http://127.0.0.1:40001/axis')).toMatch(/not one of/);
  });

  it('at connect time, refuses a listed name that resolves to a non-public address, unless an address of the list covers it', async () => {
    await expect(resolve(policy('localhost'), 'localhost')).rejects.toMatchObject({ code: PEMS_HOST_NOT_ALLOWED });
    await expect(resolve(policy('localhost 127.0.0.0/8 ::1'), 'localhost')).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]));
  });

  it('makes a PEMS_ALLOWED_HOSTS it cannot read a configuration error at start', () => {
    expect(readAllowedHosts('pems.example.com, 10.0.0.0/33, http://x, *.').problems).toEqual([
      '10.0.0.0/33: not a network (address/prefix)',
      'http://x: not a host name, *.domain, address or network',
      '*.: not a host name, *.domain, address or network',
    ]);
    expect(() => validateConfig({ PEMS_ALLOWED_HOSTS: 'https://pems.example.com' })).toThrow(/PEMS_ALLOWED_HOSTS: https:\/\/pems.example.com/);
  });
});
