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

  async credentialsRejected(organizationId: string, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_servers SET auth_failed_at = now(), auth_failure_message = $2,
              auth_paused_until = now() + make_interval(secs => $3::float8 / 1000)
       WHERE organization_id = $1`,
      [organizationId, message, this.config.PEMS_AUTH_PAUSE_MS],
    );
    this.logger.warn(`PEMS rejected the credentials of organization ${organizationId}'s server; its writes pause for ${this.config.PEMS_AUTH_PAUSE_MS} ms`);
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
