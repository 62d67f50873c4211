import { SlidingWindowRateLimiter } from './sliding-window-rate-limiter';

describe('SlidingWindowRateLimiter', () => {
  it('allows N requests in any one-second window and counts refused ones', () => {
    const limiter = new SlidingWindowRateLimiter(3);
    expect([0, 100, 200, 300].map((at) => limiter.hit('t', at).allowed)).toEqual([true, true, true, false]);
    // At 1000 the hit of 0 has left the window, but the refused one of 300 is still in it.
    expect(limiter.hit('t', 1000).allowed).toBe(false);
    expect(limiter.hit('t', 1400).allowed).toBe(true);
  });

  it('says in whole seconds, at least 1, when a request would be accepted again', () => {
    const limiter = new SlidingWindowRateLimiter(2);
    limiter.hit('t', 0);
    limiter.hit('t', 10);
    expect(limiter.hit('t', 20)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('keeps tenants apart and takes per-tenant limits and no limit', () => {
    const limiter = new SlidingWindowRateLimiter(1);
    limiter.setLimit(null, 'free');
    expect(limiter.hit('a', 0).allowed).toBe(true);
    expect(limiter.hit('b', 0).allowed).toBe(true);
    expect(limiter.hit('a', 1).allowed).toBe(false);
    expect(Array.from({ length: 50 }, (_, i) => limiter.hit('free', i).allowed).every(Boolean)).toBe(true);
  });

  it('refuses only a certain breach when its clock readings may be late', () => {
    const limiter = new SlidingWindowRateLimiter(2);
    limiter.hit('t', 0);
    limiter.hit('t', 500);
    // Read at 990; arriving up to 20 ms earlier could only bring it closer to the others: certainly 3 within a second.
    expect(limiter.hit('t', 990, 20).allowed).toBe(false);
    const lenient = new SlidingWindowRateLimiter(2);
    // The first was read 30 ms late: it may have arrived at -30, more than a second before 975.
    lenient.hit('t', 0, 30);
    lenient.hit('t', 500);
    expect(lenient.hit('t', 975).allowed).toBe(true);
    expect(lenient.hit('t', 976).allowed).toBe(false);
  });
});
