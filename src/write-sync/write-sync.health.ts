import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { WriteSyncWorker } from './write-sync.worker';

/** /health's view of this instance's worker: up when it runs (or is switched off here on purpose). */
@Injectable()
export class WriteSyncHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly worker: WriteSyncWorker,
  ) {}

  check(key = 'writeSyncWorker'): HealthIndicatorResult {
    const status = this.worker.getStatus();
    const indicator = this.health.check(key);
    if (!status.enabled) return indicator.up({ enabled: false });
    const details = { enabled: true, running: status.running, inFlight: status.inFlight, lastRunFinishedAt: status.lastRunFinishedAt?.toISOString() ?? null };
    return status.startedAt ? indicator.up(details) : indicator.down({ ...details, message: 'the worker has not started' });
  }
}
