import 'reflect-metadata';
import { LookupAddress } from 'node:dns';
import { AppConfig } from '../config/app-config';
import { validateConfig } from '../config/validate-config';
import { WEBHOOK_HOST_NOT_ALLOWED, WebhookHostPolicy } from './webhook-host-policy';

const policy = (allowed: string, publicHosts = true) =>
  new WebhookHostPolicy(Object.assign(new AppConfig(), { WEBHOOK_ALLOWED_HOSTS: allowed, WEBHOOK_PUBLIC_HOSTS: publicHosts }));

function resolve(hosts: WebhookHostPolicy, name: string): Promise<LookupAddress[]> {
  return new Promise((done, fail) => hosts.lookup(name, { all: true }, (error, addresses) => (error ? fail(error) : done(addresses as LookupAddress[]))));
}

describe('WebhookHostPolicy', () => {
  it('allows any public host over https, and nothing else, with an empty list', () => {
    const hosts = policy('');
    expect(hosts.problemWith('https://hooks.example.com/pems?team=ops')).toBeNull();
    expect(hosts.problemWith('https://93.184.215.14/hook')).toBeNull();
    expect(hosts.problemWith('http://hooks.example.com/pems')).toMatch(/https/);
    expect(hosts.problemWith('ftp://hooks.example.com/')).toMatch(/https/);
    expect(hosts.problemWith('not a url')).toMatch(/not a URL/);
  });

  it('refuses loopback, private, link-local and metadata addresses in every spelling, and local names', () => {
    const hosts = policy('');
    for (const url of [
      'https://127.0.0.1/',
      'https://0x7f000001/',
      'https://2130706433/',
      'https://127.1/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://10.1.2.3/',
      'https://192.168.0.10/',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00::1]/',
    ]) {
      expect({ url, problem: hosts.problemWith(url) }).toEqual({ url, problem: expect.stringMatching(/not a public address/) });
    }
    expect(hosts.problemWith('https://localhost/')).toMatch(/not a public host name/);
    expect(hosts.problemWith('https://intranet/')).toMatch(/not a public host name/);
  });

  it('refuses credentials in the URL', () => {
    expect(policy('').problemWith('https://user:pw@hooks.example.com/')).toMatch(/credentials/);
    expect(policy('127.0.0.1').problemWith('http://user@127.0.0.1/')).toMatch(/credentials/);
  });

  it('allows listed hosts over http and at private addresses; only them when WEBHOOK_PUBLIC_HOSTS is false', () => {
    const hosts = policy('127.0.0.1, 10.20.0.0/16, hooks.internal.example.com');
    expect(hosts.problemWith('http://127.0.0.1:4000/hook')).toBeNull();
    expect(hosts.problemWith('http://10.20.3.4/hook')).toBeNull();
    expect(hosts.problemWith('http://hooks.internal.example.com/hook')).toBeNull();
    expect(hosts.problemWith('http://10.21.0.1/hook')).toMatch(/not a public address/);
    const only = policy('hooks.internal.example.com', false);
    expect(only.problemWith('https://hooks.internal.example.com/hook')).toBeNull();
    expect(only.problemWith('https://hooks.example.com/hook')).toMatch(/not one of WEBHOOK_ALLOWED_HOSTS/);
  });

  it('at connect time, refuses a name that resolves to a non-public address, unless an address of the list covers it', async () => {
    await expect(resolve(policy(''), 'localhost')).rejects.toMatchObject({ code: WEBHOOK_HOST_NOT_ALLOWED });
    await expect(resolve(policy('localhost'), 'localhost')).rejects.toMatchObject({ code: WEBHOOK_HOST_NOT_ALLOWED });
    await expect(resolve(policy('localhost 127.0.0.0/8 ::1'), 'localhost')).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]));
  });

  it('makes a WEBHOOK_ALLOWED_HOSTS it cannot read a configuration error at start', () => {
    expect(() => validateConfig({ WEBHOOK_ALLOWED_HOSTS: 'https://hooks.example.com' })).toThrow(/WEBHOOK_ALLOWED_HOSTS: https:\/\/hooks.example.com/);
    expect(() => validateConfig({ WEBHOOK_RETRY_DELAYS_MS: '10,x' })).toThrow(/WEBHOOK_RETRY_DELAYS_MS/);
    expect(validateConfig({ WEBHOOK_RETRY_DELAYS_MS: '100,200' }).WEBHOOK_RETRY_DELAYS_MS).toEqual([100, 200]);
  });
});
