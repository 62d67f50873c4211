import { PemsErrorKind } from '../pems/client/pems-api.error';

/** Sends after a non-overlapping conflict are not retries, but a record that keeps moving under us must not loop for ever. */
export const MAX_RESENDS = 5;

/** What the policy needs to know of an attempt's item. */
export interface AttemptCounts {
  retryCount: number;
  maxRetries: number;
  resendCount: number;
}

/** What to do with an attempt that did not complete. */
export type NextStep =
  /** Again after `delayMs`, counting a retry (or not: `countsAsRetry` false). */
  | { step: 'retry'; delayMs: number; countsAsRetry: boolean; reason: string }
  /** Give up: the item fails with `reason`. */
  | { step: 'fail'; reason: string };

/** What a failed PEMS call means for the attempt, before the retry counts are looked at. */
export type PemsFailureVerdict =
  /** PEMS refused the server's credentials: the server pauses; the attempt that started the pause fails, the others wait. */
  | { verdict: 'credentials_rejected' }
  /** Not sent: PEMS asked the whole tenant to wait (Retry-After); back to the queue until then, costing no retry. */
  | { verdict: 'wait_for_tenant'; delayMs: number }
  /** Worth trying again; a Retry-After also pauses the tenant. */
  | { verdict: 'retry'; pauseTenantMs: number | null }
  | { verdict: 'fail' };

/**
 * The retry policy of write sync (SPEC §7), as pure functions: no I/O, no clock. The worker's
 * orchestrator (WriteItemProcessor) asks it and acts on the answer.
 */
export const RetryPolicy = {
  /** The delay before the item's next retry: PEMS_WRITE_SYNC_RETRY_DELAYS_MS by retry (5, 10, 20 s by default), the last one repeated. */
  retryDelay(retryCount: number, delays: readonly number[]): number {
    return delays[Math.min(retryCount, delays.length - 1)] ?? 0;
  },

  /** A failure worth retrying: again after the retry delay (or PEMS's Retry-After, if longer), or given up after the last retry. */
  afterFailure(counts: AttemptCounts, reason: string, retryAfterMs: number | null, delays: readonly number[]): NextStep {
    if (counts.retryCount >= counts.maxRetries) {
      return { step: 'fail', reason: `${reason} (gave up after ${counts.retryCount} ${counts.retryCount === 1 ? 'retry' : 'retries'})` };
    }
    return { step: 'retry', delayMs: Math.max(RetryPolicy.retryDelay(counts.retryCount, delays), retryAfterMs ?? 0), countsAsRetry: true, reason };
  },

  /** PEMS's record moved on without touching our fields: send again on its version, unless the record keeps moving. */
  mayResend(counts: AttemptCounts): boolean {
    return counts.resendCount < MAX_RESENDS;
  },

  /** What a failed PEMS call means (PEMS_CONTRACT.md, Errors). */
  judgePemsFailure(kind: PemsErrorKind, retryAfterMs: number | null): PemsFailureVerdict {
    switch (kind) {
      case 'credentials_rejected':
        return { verdict: 'credentials_rejected' };
      case 'tenant_paused':
        return { verdict: 'wait_for_tenant', delayMs: retryAfterMs ?? 0 };
      case 'retryable':
      case 'version_conflict':
        return { verdict: 'retry', pauseTenantMs: retryAfterMs };
      default:
        return { verdict: 'fail' };
    }
  },
};
