import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundAppException } from '../common/errors/app.exception';
import { returningRows } from '../database/returning-rows';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { WriteQueueService } from '../write-queue/write-queue.service';

/** Who paused or resumed a server's writes. */
export interface PauseActor {
  id: string;
  username: string;
}

/** A server's writes pause as it stands: when, by whom (null once that user is gone), why. */
export interface WritesPause {
  at: Date;
  by: PauseActor | null;
  reason: string;
}

/**
 * The only writer of an API server's writes pause (api_servers.writes_paused_at,
 * writes_paused_by, writes_pause_reason): an admin holds the organization's writes for a
 * maintenance window at PEMS (docs/api-console-admin.md).
 *
 * While paused, the claim leaves the organization's items pending (WriteQueueService.claim reads
 * the column once per server), a claimed item whose server was paused before it was sent goes
 * back to the queue at no cost of a retry (WriteItemProcessor), and a send already on its way
 * finishes. Each change is one conditional statement: pausing a paused server, or resuming one
 * that is not paused, changes nothing (the first pause's who, when and why stay). A change
 * publishes server.paused / server.resumed, and a resume wakes every instance's worker, both at
 * commit.
 */
@Injectable()
export class ServerWritesPauseService {
  private readonly logger = new Logger('PemsWriteSync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: WriteQueueService,
    private readonly events: SyncEventsService,
  ) {}

  /** Pauses the organization's server's writes; answers whether this call paused them (false: they were paused already). 404 without a server. */
  async pause(organizationId: string, by: PauseActor, reason: string): Promise<{ changed: boolean }> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const rows = await returningRows<{ id: string }>(
        manager,
        `UPDATE api_servers SET writes_paused_at = now(), writes_paused_by = $2, writes_pause_reason = $3
         WHERE organization_id = $1 AND writes_paused_at IS NULL
         RETURNING id`,
        [organizationId, by.id, reason],
      );
      if (rows.length === 0) {
        await this.assertServerExists(manager, organizationId);
        return false;
      }
      await this.events.publish({ type: 'server.paused', organizationId, detail: reason, username: by.username }, manager);
      return true;
    });
    if (changed) this.logger.log(`${by.username} paused the writes of organization ${organizationId}'s server`);
    return { changed };
  }

  /** Ends the pause and wakes the workers; answers whether this call ended it (false: the writes were not paused). 404 without a server. */
  async resume(organizationId: string, by: PauseActor): Promise<{ changed: boolean }> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const rows = await returningRows<{ id: string }>(
        manager,
        `UPDATE api_servers SET writes_paused_at = NULL, writes_paused_by = NULL, writes_pause_reason = NULL
         WHERE organization_id = $1 AND writes_paused_at IS NOT NULL
         RETURNING id`,
        [organizationId],
      );
      if (rows.length === 0) {
        await this.assertServerExists(manager, organizationId);
        return false;
      }
      await this.events.publish({ type: 'server.resumed', organizationId, detail: by.username, username: by.username }, manager);
      await this.queue.wakeWorkers(manager, organizationId);
      return true;
    });
    if (changed) this.logger.log(`${by.username} resumed the writes of organization ${organizationId}'s server`);
    return { changed };
  }

  /** The organization's server's writes pause; null when its writes are not paused (or it has no server). */
  async pauseOf(organizationId: string): Promise<WritesPause | null> {
    const [row]: Array<{ at: Date | null; reason: string | null; user_id: string | null; username: string | null }> = await this.dataSource.query(
      `SELECT s.writes_paused_at AS at, s.writes_pause_reason AS reason, u.id AS user_id, u.username
       FROM api_servers s LEFT JOIN users u ON u.id = s.writes_paused_by
       WHERE s.organization_id = $1`,
      [organizationId],
    );
    if (!row?.at) return null;
    return { at: row.at, by: row.user_id ? { id: row.user_id, username: row.username! } : null, reason: row.reason ?? '' };
  }

  private async assertServerExists(manager: { query: DataSource['query'] }, organizationId: string): Promise<void> {
    const [server]: unknown[] = await manager.query('SELECT 1 FROM api_servers WHERE organization_id = $1', [organizationId]);
    if (!server) throw new NotFoundAppException('API server');
  }
}
