import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SyncTimelineDto, SyncTimelineQueryDto } from './dto/sync-timeline.dto';

/**
 * GET /api/pems/sync-status/timeline: the organization's write sync minute by minute, by the
 * database's clock.
 *
 * - completed and failed: the per-minute counts the sync status reads (migration
 *   WriteSyncMinutes, summed over its shards);
 * - conflicts: conflicts created in the minute;
 * - queueDepth: items waiting or in flight at the end of the minute, from each item's
 *   created_at and, once finished (completed, failed, cancelled), its completed_at: the items
 *   live at the window's start, plus those queued since, minus those finished since, minute
 *   by minute. Only the items live now or finished within the window are read.
 */
@Injectable()
export class SyncTimelineService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async timeline(query: SyncTimelineQueryDto): Promise<SyncTimelineDto> {
    const rows: Array<{ minute: Date; completed: number; failed: number; conflicts: number; queue_depth: number }> = await this.dataSource.query(
      `WITH bounds AS (
         SELECT date_trunc('minute', now()) - make_interval(mins => $2::int - 1) AS first_minute, date_trunc('minute', now()) AS last_minute
       ), minutes AS (
         SELECT generate_series(first_minute, last_minute, interval '1 minute') AS minute FROM bounds
       ), finished AS (
         SELECT m.minute, sum(m.completed)::int AS completed, sum(m.failed)::int AS failed
         FROM pfa_write_sync_minutes m, bounds
         WHERE m.organization_id = $1 AND m.minute >= bounds.first_minute
         GROUP BY m.minute
       ), conflicts AS (
         SELECT date_trunc('minute', c.created_at) AS minute, count(*)::int AS conflicts
         FROM pfa_sync_conflict c, bounds
         WHERE c.organization_id = $1 AND c.created_at >= bounds.first_minute
         GROUP BY 1
       ), items AS (
         SELECT created_at, NULL::timestamptz AS ended_at FROM pfa_write_queue
         WHERE organization_id = $1 AND status IN ('pending', 'processing')
         UNION ALL
         SELECT q.created_at, q.completed_at FROM pfa_write_queue q, bounds
         WHERE q.organization_id = $1 AND q.status IN ('completed', 'failed', 'cancelled') AND q.completed_at >= bounds.first_minute
       ), changes AS (
         SELECT greatest(date_trunc('minute', created_at), first_minute) AS minute, 1 AS delta FROM items, bounds
         UNION ALL
         SELECT date_trunc('minute', ended_at), -1 FROM items WHERE ended_at IS NOT NULL
       ), depth_changes AS (
         SELECT minute, sum(delta)::int AS delta FROM changes GROUP BY minute
       )
       SELECT minutes.minute, coalesce(finished.completed, 0) AS completed, coalesce(finished.failed, 0) AS failed,
              coalesce(conflicts.conflicts, 0) AS conflicts,
              (sum(coalesce(depth_changes.delta, 0)) OVER (ORDER BY minutes.minute))::int AS queue_depth
       FROM minutes
       LEFT JOIN finished ON finished.minute = minutes.minute
       LEFT JOIN conflicts ON conflicts.minute = minutes.minute
       LEFT JOIN depth_changes ON depth_changes.minute = minutes.minute
       ORDER BY minutes.minute`,
      [query.organizationId, query.minutes],
    );
    return {
      minutes: rows.map((row) => ({
        minute: new Date(row.minute).toISOString(),
        completed: row.completed,
        failed: row.failed,
        conflicts: row.conflicts,
        queueDepth: row.queue_depth,
      })),
    };
  }
}
