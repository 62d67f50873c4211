import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PemsRateLimiter } from './pems-rate-limiter';

/**
 * A single-process PemsRateLimiter: calls to one tenant are spaced evenly, 1/rate apart,
 * so PEMS never sees a burst. For tests and single-instance tools; the app's shared
 * limiter coordinates across instances.
 */
@Injectable()
export class InMemoryPemsRateLimiter extends PemsRateLimiter {
  private readonly nextSlot = new Map<string, number>();

  async acquire(tenantKey: string, ratePerSecond: number, precondition?: () => Promise<void>): Promise<void> {
    if (ratePerSecond > 0 && Number.isFinite(ratePerSecond)) {
      const now = performance.now();
      const slot = Math.max(now, this.nextSlot.get(tenantKey) ?? 0);
      this.nextSlot.set(tenantKey, slot + 1000 / ratePerSecond);
      if (slot > now) await sleep(slot - now);
    }
    await precondition?.();
  }
}
