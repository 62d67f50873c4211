import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { returningRows } from '../database/returning-rows';

/**
 * When PEMS rejects a server's credentials (401), the server's writes pause so its backlog
 * is not burnt on certain failures. The pause ends when an admin sets new credentials
 * (OrganizationsService clears it), or after PEMS_AUTH_PAUSE_MS with one probe item: if the
 * probe succeeds the server resumes, if not it pauses again.
 */
@Injectable()
export class ServerAuthPauseService {
  private readonly logger = new Logger('PemsWriteSync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Pauses (or, for a failed probe, pauses again) the server. Answers true when this call
   * started the pause: only the write that did so fails; writes that were already on their
   * way are handed back to wait, so a wrong password costs one item, not a batch.
   */
  async credentialsRejected(organizationId: string, message: string): Promise<boolean> {
    const rows = await returningRows<{ newly: boolean }>(
      this.dataSource,
      `WITH previous AS (SELECT auth_failed_at FROM api_servers WHERE organization_id = $1 FOR UPDATE)
       UPDATE api_servers SET auth_failed_at = coalesce(api_servers.auth_failed_at, now()), auth_failure_message = $2,
              auth_paused_until = now() + make_interval(secs => $3::float8 / 1000)
       WHERE organization_id = $1
       RETURNING (SELECT auth_failed_at FROM previous) IS NULL AS newly`,
      [organizationId, message, this.config.PEMS_AUTH_PAUSE_MS],
    );
    const newly = rows[0]?.newly === true;
    if (newly) this.logger.warn(`PEMS rejected the credentials of organization ${organizationId}'s server; its writes pause for ${this.config.PEMS_AUTH_PAUSE_MS} ms`);
    return newly;
  }

  async credentialsAccepted(organizationId: string): Promise<void> {
    const rows = await returningRows<{ id: string }>(
      this.dataSource,
      `UPDATE api_servers SET auth_failed_at = NULL, auth_paused_until = NULL, auth_failure_message = NULL
       WHERE organization_id = $1 AND auth_failed_at IS NOT NULL RETURNING id`,
      [organizationId],
    );
    if (rows.length > 0) this.logger.log(`PEMS accepted the credentials of organization ${organizationId}'s server again; its writes resume`);
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
       WHERE auth_failed_at IS NOT NULL AND auth_paused_until <= now() AND is_active AND write_enabled
         AND EXISTS (SELECT 1 FROM pfa_write_queue q WHERE q.organization_id = api_servers.organization_id AND q.status = 'pending')
       RETURNING organization_id`,
      [this.config.PEMS_AUTH_PAUSE_MS],
    );
    return rows.map((row) => row.organization_id);
  }
}
