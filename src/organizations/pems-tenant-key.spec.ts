import { pemsTenantKey } from './pems-tenant-key';

describe('pemsTenantKey', () => {
  it('is the same for every spelling of one base URL and tenant', () => {
    const key = pemsTenantKey({ baseUrl: 'https://us1.eam.hxgnsmartcloud.com/axis/restservices', tenant: 'ACME' });
    expect(key).toBe('https://us1.eam.hxgnsmartcloud.com/axis/restservices|ACME');
    for (const baseUrl of [
      'https://US1.EAM.hxgnsmartcloud.com:443/axis/restservices/',
      ' https://us1.eam.hxgnsmartcloud.com/axis/restservices// ',
      'https://user:secret@us1.eam.hxgnsmartcloud.com/axis/restservices?x=1',
    ]) {
      expect(pemsTenantKey({ baseUrl, tenant: ' ACME ' })).toBe(key);
    }
  });

  it('keeps other tenants, hosts, ports and paths apart', () => {
    const key = pemsTenantKey({ baseUrl: 'https://eam.example.com/axis/restservices', tenant: 'ACME' });
    expect(pemsTenantKey({ baseUrl: 'https://eam.example.com/axis/restservices', tenant: 'OTHER' })).not.toBe(key);
    expect(pemsTenantKey({ baseUrl: 'https://eam.example.com:8443/axis/restservices', tenant: 'ACME' })).not.toBe(key);
    expect(pemsTenantKey({ baseUrl: 'https://eam2.example.com/axis/restservices', tenant: 'ACME' })).not.toBe(key);
    expect(pemsTenantKey({ baseUrl: 'http://eam.example.com/axis/restservices', tenant: 'ACME' })).not.toBe(key);
  });
});
