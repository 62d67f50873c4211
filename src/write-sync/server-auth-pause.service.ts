import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { GroupedCalls } from '../common/grouped-calls';
import { AppConfig } from '../config/app-config';
import { returningRows } from '../database/returning-rows';
import { NotificationsService } from '../notifications/notifications.service';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service';

/**
 * How long one look at a server's pause for rejected credentials (not a tenant's Retry-After
 * pause, which the rate limiter keeps) serves the sends that follow. A send that slips
 * through in that time meets PEMS's 401 and is handed back to wait, costing no retry; this
 * instance's own 401s and successes count at once.
 */
const CREDENTIALS_PAUSE_LOOK_MAX_AGE_MS = 100;

/** What holds a server's sends: its credentials were rejected, or an admin paused its writes (the admin's pause is named first). */
export type ServerPause = 'writes' | 'credentials' | null;

/**
 * The only writer of an API server's credentials pause (api_servers.auth_failed_at,
 * auth_paused_until, auth_failure_message).
 *
 * When PEMS rejects a server's credentials (401), the server's writes pause so its backlog
 * is not burnt on certain failures. The pause ends when an admin sets new credentials
 * (ApiServerChangeFollower calls credentialsReplaced), or after PEMS_AUTH_PAUSE_MS with one probe item: if the
 * probe succeeds the server resumes, if not it pauses again.
 *
 * It also gives a send its last look before it leaves (pauseHolding), for either pause: this one,
 * or an admin's pause of the server's writes (whose only writer is ServerWritesPauseService).
 */
@Injectable()
export class ServerAuthPauseService {
  private readonly logger = new Logger('PemsWriteSync');
  /** The last look at each organization's server, by when it was asked for (performance.now()). */
  private readonly looks = new Map<string, { pause: ServerPause; at: number }>();
  /** Sends that ask while a look is on its way share the next one. */
  private readonly lookups = new GroupedCalls<void, ServerPause>(async (organizationId, callers) => {
    // Either pause holds the send: the same look serves the writes pause an admin sets (ServerWritesPauseService), at no extra statement per send.
    const [server]: Array<{ pause: ServerPause }> = await this.dataSource.query(
      `SELECT CASE WHEN writes_paused_at IS NOT NULL THEN 'writes' WHEN auth_failed_at IS NOT NULL THEN 'credentials' END AS pause FROM api_servers WHERE organization_id = $1`,
      [organizationId],
    );
    return callers.map(() => server?.pause ?? null);
  });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly events: SyncEventsService,
    private readonly webhooks: WebhookDeliveries,
  ) {}

  /**
   * Pauses (or, for a failed probe, pauses again) the server. Answers true when this call
   * started the pause: only the write that did so fails; writes that were already on their
   * way are handed back to wait, so a wrong password costs one item, not a batch.
   *
   * The pause that starts is told, in the same transaction, to the members who hold perm_Sync
   * (NotificationsService) and on the organization's event stream (`server.credentials-rejected`);
   * a failed probe, which pauses again, tells no one again. The row lock makes exactly one of
   * several instances meeting the 401 at once the one that started it.
   * It also queues the organization's credentials.rejected webhook delivery (WebhookDeliveries).
   */
  async credentialsRejected(organizationId: string, message: string, pauseMs = this.config.PEMS_AUTH_PAUSE_MS): Promise<boolean> {
    this.looks.set(organizationId, { pause: 'credentials', at: performance.now() });
    const newly = await this.dataSource.transaction(async (manager) => {
      // Its own statement: it waits for a concurrent rejection to commit and then reads that
      // one's pause. (Read inside the UPDATE, as a CTE, it was evaluated after the row was
      // updated, with the statement's snapshot: two instances meeting the 401 at once both
      // believed they had started the pause.)
      const [server]: Array<{ id: string; auth_failed_at: Date | null }> = await manager.query(`SELECT id, auth_failed_at FROM api_servers WHERE organization_id = $1 FOR UPDATE`, [
        organizationId,
      ]);
      if (!server) return false;
      await manager.query(
        `UPDATE api_servers SET auth_failed_at = coalesce(auth_failed_at, now()), auth_failure_message = $2,
                auth_paused_until = now() + make_interval(secs => $3::float8 / 1000)
         WHERE organization_id = $1`,
        [organizationId, message, pauseMs],
      );
      if (server.auth_failed_at !== null) return false;
      await this.notifications.credentialsRejected(manager, organizationId);
      await this.events.publish({ type: 'server.credentials-rejected', organizationId, detail: message }, manager);
      await this.webhooks.enqueue(manager, { organizationId, event: 'credentials.rejected', data: { apiServerId: server.id, error: message } });
      return true;
    });
    if (newly) this.logger.warn(`PEMS rejected the credentials of organization ${organizationId}'s server; its writes pause for ${pauseMs} ms`);
    return newly;
  }

  /**
   * What holds the organization's server's sends now, as seen at most
   * CREDENTIALS_PAUSE_LOOK_MAX_AGE_MS ago: an admin's pause of its writes, rejected credentials,
   * or nothing (null). The send's last look before it leaves; one statement answers both.
   */
  async pauseHolding(organizationId: string): Promise<ServerPause> {
    const asked = performance.now();
    const last = this.looks.get(organizationId);
    if (last && asked - last.at <= CREDENTIALS_PAUSE_LOOK_MAX_AGE_MS) return last.pause;
    const pause = await this.lookups.call(organizationId, undefined);
    if ((this.looks.get(organizationId)?.at ?? -Infinity) < asked) this.looks.set(organizationId, { pause, at: asked });
    return pause;
  }

  /** New credentials were stored (in the caller's transaction): a pause for rejected ones ends. */
  async credentialsReplaced(manager: EntityManager, organizationId: string): Promise<void> {
    await manager.query(`UPDATE api_servers SET auth_failed_at = NULL, auth_paused_until = NULL, auth_failure_message = NULL WHERE organization_id = $1`, [organizationId]);
    this.looks.delete(organizationId);
  }

  /** The organization's server's pause for rejected credentials, for sync-status; null when it is not paused. */
  async pauseOf(organizationId: string): Promise<{ since: Date; message: string | null } | null> {
    const [server]: Array<{ auth_failed_at: Date | null; auth_failure_message: string | null }> = await this.dataSource.query(
      `SELECT auth_failed_at, auth_failure_message FROM api_servers WHERE organization_id = $1`,
      [organizationId],
    );
    return server?.auth_failed_at ? { since: server.auth_failed_at, message: server.auth_failure_message } : null;
  }

  /**
   * PEMS took writes with these organizations' credentials. A pause for rejected credentials
   * ends only if it began before the write was claimed (by the database's clock): a write sent
   * before the 401 says nothing about whether the credentials work now.
   */
  async credentialsAccepted(writes: Array<{ organizationId: string; claimedAt: Date | null }>): Promise<void> {
    const latest = new Map<string, Date>();
    for (const { organizationId, claimedAt } of writes) {
      if (claimedAt && (latest.get(organizationId)?.getTime() ?? -Infinity) < claimedAt.getTime()) latest.set(organizationId, claimedAt);
    }
    if (latest.size === 0) return;
    const rows = await returningRows<{ organization_id: string }>(
      this.dataSource,
      `UPDATE api_servers s SET auth_failed_at = NULL, auth_paused_until = NULL, auth_failure_message = NULL
       FROM unnest($1::uuid[], $2::timestamptz[]) AS accepted(organization_id, claimed_at)
       WHERE s.organization_id = accepted.organization_id AND s.auth_failed_at IS NOT NULL AND s.auth_failed_at < accepted.claimed_at
       RETURNING s.organization_id`,
      [[...latest.keys()], [...latest.values()]],
    );
    for (const row of rows) {
      this.looks.set(row.organization_id, { pause: null, at: performance.now() });
      this.logger.log(`PEMS accepted the credentials of organization ${row.organization_id}'s server again; its writes resume`);
    }
  }

  /**
   * The organizations whose pause has run out and that this worker may probe now. Taking a
   * probe extends the pause at once, so no other worker (of any instance) probes the same
   * server meanwhile.
   */
  async takeProbes(): Promise<string[]> {
    const rows = await returningRows<{ organization_id: string }>(
      this.dataSource,
      `UPDATE api_servers SET auth_paused_until = now() + make_interval(secs => $1::float8 / 1000)
       WHERE auth_failed_at IS NOT NULL AND auth_paused_until <= now() AND is_active AND write_enabled AND writes_paused_at IS NULL
         AND EXISTS (SELECT 1 FROM pfa_write_queue q WHERE q.organization_id = api_servers.organization_id AND q.status = 'pending')
       RETURNING organization_id`,
      [this.config.PEMS_AUTH_PAUSE_MS],
    );
    return rows.map((row) => row.organization_id);
  }
}
