/**
 * What the gate hands a caller that may send: the caller sends right away, and tells the gate
 * when its request actually left (`departed`), so that a request that left late counts from
 * when it left, not from when it was allowed to. A request that cannot leave by `abandonAt`
 * (its connection is not up yet) must not leave at all.
 */
export interface SendPermit {
  /** On performance.now()'s clock. */
  abandonAt: number;
  /** `leftAt` on performance.now()'s clock. */
  departed(leftAt: number): void;
}

/** PEMS asked this tenant to wait (Retry-After) longer than a caller should hold on: try again after `pausedForMs`. */
export class PemsTenantPausedError extends Error {
  constructor(readonly pausedForMs: number) {
    super(`PEMS asked to wait ${Math.ceil(pausedForMs / 1000)} s before the next request to this tenant (Retry-After)`);
    this.name = 'PemsTenantPausedError';
  }
}

/**
 * The gate every PEMS call passes first. PEMS limits requests per tenant, so the gate is
 * shared by everything in the app (and, in the real implementation, by every instance)
 * that talks to the same tenant (`tenantKey`, see pemsTenantKey).
 */
export abstract class PemsRateLimiter {
  /**
   * Resolves when the caller may send. `precondition` runs once the send is due and before the
   * caller is released; it may throw to call the send off. Rejects with PemsTenantPausedError
   * when the tenant is paused for longer than a caller should wait.
   */
  abstract acquire(tenantKey: string, ratePerSecond: number, precondition?: () => Promise<void>): Promise<SendPermit>;

  /** PEMS said Retry-After: nobody sends to this tenant until `milliseconds` have passed. */
  abstract pause(tenantKey: string, milliseconds: number): Promise<void>;

  /** The time between two sends to a tenant with a backlog, on average. */
  abstract spacingMs(ratePerSecond: number): number;
}
