import { MAX_RESENDS, RetryPolicy } from './retry-policy';

const DELAYS = [5000, 10000, 20000];
const counts = (retryCount: number, maxRetries = 3, resendCount = 0) => ({ retryCount, maxRetries, resendCount });

describe('RetryPolicy', () => {
  it('waits 5, 10, 20 s before the first, second and third retry, and repeats the last delay', () => {
    expect([0, 1, 2, 3, 7].map((retry) => RetryPolicy.retryDelay(retry, DELAYS))).toEqual([5000, 10000, 20000, 20000, 20000]);
  });

  it('retries a retryable failure until the retries run out, then gives up with the count in the reason', () => {
    expect(RetryPolicy.afterFailure(counts(0), 'PEMS answered 503', null, DELAYS)).toEqual({ step: 'retry', delayMs: 5000, countsAsRetry: true, reason: 'PEMS answered 503' });
    expect(RetryPolicy.afterFailure(counts(2), 'PEMS answered 503', null, DELAYS)).toMatchObject({ step: 'retry', delayMs: 20000 });
    expect(RetryPolicy.afterFailure(counts(3), 'PEMS answered 503', null, DELAYS)).toEqual({ step: 'fail', reason: 'PEMS answered 503 (gave up after 3 retries)' });
    expect(RetryPolicy.afterFailure(counts(1, 1), 'timed out', null, DELAYS)).toEqual({ step: 'fail', reason: 'timed out (gave up after 1 retry)' });
  });

  it("waits for PEMS's Retry-After when it is longer than the retry delay, never shorter than the delay", () => {
    expect(RetryPolicy.afterFailure(counts(0), '429', 30000, DELAYS)).toMatchObject({ step: 'retry', delayMs: 30000 });
    expect(RetryPolicy.afterFailure(counts(0), '429', 1000, DELAYS)).toMatchObject({ step: 'retry', delayMs: 5000 });
  });

  it('sends again on a moved record at most MAX_RESENDS times', () => {
    expect(RetryPolicy.mayResend(counts(0, 3, MAX_RESENDS - 1))).toBe(true);
    expect(RetryPolicy.mayResend(counts(0, 3, MAX_RESENDS))).toBe(false);
  });

  it('judges each kind of PEMS failure', () => {
    expect(RetryPolicy.judgePemsFailure('credentials_rejected', null)).toEqual({ verdict: 'credentials_rejected' });
    expect(RetryPolicy.judgePemsFailure('tenant_paused', 4000)).toEqual({ verdict: 'wait_for_tenant', delayMs: 4000 });
    expect(RetryPolicy.judgePemsFailure('retryable', 2000)).toEqual({ verdict: 'retry', pauseTenantMs: 2000 });
    expect(RetryPolicy.judgePemsFailure('version_conflict', null)).toEqual({ verdict: 'retry', pauseTenantMs: null });
    expect(RetryPolicy.judgePemsFailure('not_retryable', null)).toEqual({ verdict: 'fail' });
  });
});
