/**
 * PEMS's per-tenant request limit as the simulator enforces it: at most N requests in any
 * one-second sliding window. Every request counts, refused ones included, so a client
 * that ignores Retry-After keeps itself locked out, as it would against real EAM.
 *
 * The simulator's own clock reading may be late (its event loop was busy when a request
 * arrived): with `uncertaintyMs`, a request is refused only when the limit was certainly
 * broken, i.e. even if this request arrived as late as it was read and every earlier one as
 * early as it may have arrived. A busy simulator never refuses a client that kept the limit.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until a request would be accepted again (only when refused). */
  retryAfterSeconds: number;
}

const WINDOW_MS = 1000;

export class SlidingWindowRateLimiter {
  private readonly perTenant = new Map<string, number | null>();
  private readonly hits = new Map<string, number[]>();

  /** @param defaultPerSecond null = unlimited */
  constructor(private defaultPerSecond: number | null) {}

  setLimit(perSecond: number | null, tenant?: string): void {
    if (tenant === undefined) {
      this.defaultPerSecond = perSecond;
      this.perTenant.clear();
    } else {
      this.perTenant.set(tenant, perSecond);
    }
  }

  limitFor(tenant: string): number | null {
    return this.perTenant.has(tenant) ? (this.perTenant.get(tenant) ?? null) : this.defaultPerSecond;
  }

  /**
   * Counts a request read at `at` (ms, monotonic within the process), which may have arrived
   * up to `uncertaintyMs` earlier, and decides on it.
   */
  hit(tenant: string, at: number, uncertaintyMs = 0): RateLimitDecision {
    // Each hit is kept at the earliest it may have arrived.
    const times = this.hits.get(tenant) ?? [];
    while (times.length > 0 && times[0] <= at - WINDOW_MS) times.shift();
    const earliest = at - Math.max(0, uncertaintyMs);
    let index = times.length;
    while (index > 0 && times[index - 1] > earliest) index -= 1;
    times.splice(index, 0, earliest);
    this.hits.set(tenant, times);

    const limit = this.limitFor(tenant);
    if (limit === null || times.length <= limit) return { allowed: true, retryAfterSeconds: 0 };
    // The next request is accepted once enough of the window's hits have aged out.
    const freesAt = limit > 0 ? times[times.length - limit] + WINDOW_MS : at + WINDOW_MS;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - at) / 1000)) };
  }

  clearWindows(): void {
    this.hits.clear();
  }
}
