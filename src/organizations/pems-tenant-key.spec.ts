import { InMemoryPemsRateLimiter } from './in-memory-pems-rate-limiter';
import { pemsTenantKey } from './pems-rate-limiter';

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

describe('InMemoryPemsRateLimiter', () => {
  it('spaces calls of one tenant 1/rate apart and leaves other tenants alone', async () => {
    const limiter = new InMemoryPemsRateLimiter();
    const started = performance.now();
    const times: Record<string, number[]> = { a: [], b: [] };
    await Promise.all([
      ...Array.from({ length: 5 }, () => limiter.acquire('a', 20).then(() => times.a.push(performance.now() - started))),
      limiter.acquire('b', 20).then(() => times.b.push(performance.now() - started)),
    ]);
    times.a.sort((x, y) => x - y);
    expect(times.b[0]).toBeLessThan(30);
    // The n-th call of tenant a is let go no earlier than its slot, n × 50 ms after the first (a
    // busy event loop may let one go late, which shortens the gap after it but never the schedule).
    // 2 ms of leeway for the timer's rounding.
    times.a.forEach((time, n) => expect(time).toBeGreaterThanOrEqual(n * 50 - 2));
  });
});
