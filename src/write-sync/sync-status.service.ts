import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PfaWriteQueueItem } from '../write-queue/entities/pfa-write-queue.entity';
import { SyncStatusDto, SyncStatusQueryDto } from '../write-queue/dto/write-queue.dto';
import { toQueueItemDto } from '../write-queue/queue-item-view';
import { ServerAuthPauseService } from './server-auth-pause.service';
import { ServerWritesPauseService } from './server-writes-pause.service';
import { WriteSyncWorker } from './write-sync.worker';

/** A worker that has not beaten its heart for this long is taken as stopped. */
const WORKER_SILENCE_MS = 30_000;

/** GET /api/pems/sync-status: the organization's queue in figures, and whether all is well. */
@Injectable()
export class SyncStatusService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly worker: WriteSyncWorker,
    private readonly authPause: ServerAuthPauseService,
    private readonly writesPause: ServerWritesPauseService,
  ) {}

  async status(query: SyncStatusQueryDto): Promise<SyncStatusDto> {
    const [[counts], pause, writesPause, [workers]] = await Promise.all([
      this.dataSource.query(
        `SELECT
           (SELECT count(*)::int FROM pfa_write_queue WHERE organization_id = $1 AND status = 'pending') AS queued,
           (SELECT count(*)::int FROM pfa_write_queue WHERE organization_id = $1 AND status = 'processing') AS processing,
           recent.completed, recent.failed, recent.avg_ms,
           (SELECT max(completed_at) FROM pfa_write_queue
            WHERE organization_id = $1 AND status = 'completed' AND completed_at > now() - interval '24 hours') AS last_sync_at,
           (SELECT min(scheduled_at) FROM pfa_write_queue WHERE organization_id = $1 AND status = 'pending') AS next_due,
           (SELECT count(*)::int FROM pfa_sync_conflict WHERE organization_id = $1 AND status = 'unresolved') AS conflicts
         FROM (
           -- Counted per minute as items finish (migrations WriteSyncMinutes, ConflictsAreNotFailures), to the minute;
           -- an item that ended in a version conflict is not counted as failed.
           SELECT coalesce(sum(completed), 0)::int AS completed, coalesce(sum(failed), 0)::int AS failed,
                  (sum(completed_ms) / nullif(sum(completed), 0))::float8 AS avg_ms
           FROM pfa_write_sync_minutes
           WHERE organization_id = $1 AND minute > date_trunc('minute', now() - interval '24 hours')
         ) recent`,
        [query.organizationId],
      ) as Promise<
        Array<{ queued: number; processing: number; completed: number; failed: number; avg_ms: number | null; last_sync_at: Date | null; next_due: Date | null; conflicts: number }>
      >,
      this.authPause.pauseOf(query.organizationId),
      this.writesPause.pauseOf(query.organizationId),
      this.dataSource.query(`SELECT count(*)::int AS alive FROM write_sync_workers WHERE heartbeat_at > now() - make_interval(secs => $1::float8 / 1000)`, [
        WORKER_SILENCE_MS,
      ]) as Promise<Array<{ alive: number }>>,
    ]);

    // Conflicts are left out of the success rate (they are not failures), so they never make the organization unhealthy.
    const successRate = counts.completed + counts.failed === 0 ? 100 : Math.round((counts.completed / (counts.completed + counts.failed)) * 10000) / 100;
    const reasons: string[] = [];
    if (successRate < 80) reasons.push(`success rate ${successRate}% is below 80%`);
    else if (successRate < 95) reasons.push(`success rate ${successRate}% is below 95%`);
    if (pause) reasons.push(`PEMS rejected the credentials: ${pause.message ?? 'no detail'}`);
    // An admin's pause is deliberate: degraded (nothing is sent), not unhealthy (nothing is wrong).
    if (writesPause) {
      const at = writesPause.at.toISOString().replace(/\.\d{3}Z$/, 'Z');
      reasons.push(`writes paused by ${writesPause.by?.username ?? 'a user who no longer exists'} at ${at}: ${writesPause.reason}`);
    }
    if (workers.alive === 0) reasons.push('no write-sync worker is running');
    const unhealthy = successRate < 80 || pause !== null || workers.alive === 0;
    const health = unhealthy ? 'unhealthy' : reasons.length > 0 ? 'degraded' : 'healthy';

    const status: SyncStatusDto = {
      totalQueued: counts.queued,
      processing: counts.processing,
      completed: counts.completed,
      failed: counts.failed,
      avgSyncTime: counts.avg_ms === null ? null : Math.round(counts.avg_ms),
      lastSyncAt: counts.last_sync_at ? new Date(counts.last_sync_at).toISOString() : null,
      nextSyncAt: this.nextSyncAt(counts.next_due),
      health,
      successRate,
      conflicts: counts.conflicts,
      ...(reasons.length > 0 ? { healthReasons: reasons } : {}),
    };
    if (query.status) {
      const items = await this.dataSource.getRepository(PfaWriteQueueItem).find({
        where: { organizationId: query.organizationId, status: query.status },
        order: { createdAt: 'DESC' },
        take: 100,
      });
      status.items = items.map(toQueueItemDto);
    }
    return status;
  }

  /** The next moment an item will be attempted: now when one is due, else its due time, else the next cron tick. */
  private nextSyncAt(nextDue: Date | null): string | null {
    const cron = this.worker.getStatus().nextScheduledRunAt;
    if (nextDue) {
      const due = new Date(nextDue);
      return (due.getTime() < Date.now() ? new Date() : due).toISOString();
    }
    return cron ? cron.toISOString() : null;
  }
}
