import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { returningRows } from '../../database/returning-rows';
import { PfaMirrorService } from '../../pfa/pfa-mirror.service';
import { PemsApiError } from '../client/pems-api.error';
import { PemsWriteApiClient } from '../client/pems-write-api.client';
import { PemsConnectionFactory } from '../pems-connection.factory';
import { PemsException } from '../pems-errors';
import { ReadSyncReportDto } from './dto/read-sync.dto';

/** Rows asked for per grid page; PEMS may send fewer. */
export const READ_SYNC_PAGE_SIZE = 500;
/** Namespace of the per-organization advisory lock that keeps two read syncs of one organization apart. */
const READ_SYNC_LOCK_NAMESPACE = 727_150_002;

/**
 * Pulls an organization's PEMS records into the mirror, one grid page at a time (memory
 * stays bounded by the page size), following NEXTCURSORPOSITION. Each page is one
 * transaction. After a complete pass, records PEMS no longer lists are marked deleted.
 * Running it again with nothing changed in PEMS changes nothing.
 */
@Injectable()
export class PemsReadSyncService {
  private readonly logger = new Logger('PemsReadSync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: PemsConnectionFactory,
    private readonly client: PemsWriteApiClient,
    private readonly mirror: PfaMirrorService,
  ) {}

  async syncOrganization(organizationId: string): Promise<ReadSyncReportDto> {
    const { connection } = await this.connections.forOrganization(organizationId);
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      const [{ locked }] = await lock.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [READ_SYNC_LOCK_NAMESPACE, organizationId]);
      if (!locked) throw PemsException.readSyncRunning();
      try {
        return await this.pull(organizationId, connection);
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1, hashtext($2))', [READ_SYNC_LOCK_NAMESPACE, organizationId]);
      }
    } finally {
      await lock.release();
    }
  }

  private async pull(organizationId: string, connection: Parameters<PemsWriteApiClient['listRecordsPage']>[0]): Promise<ReadSyncReportDto> {
    const [{ started }] = await this.dataSource.query('SELECT now() AS started');
    const startedAt = new Date(started);
    const report = { organizationId, created: 0, updated: 0, unchanged: 0, markedDeleted: 0, pages: 0 };
    let cursor: number | null = 0;
    while (cursor !== null) {
      let page;
      try {
        page = await this.client.listRecordsPage(connection, cursor, READ_SYNC_PAGE_SIZE);
      } catch (error) {
        if (error instanceof PemsApiError) {
          this.logger.warn(`Read sync of ${connection.organizationCode} stopped at cursor ${cursor}: ${error.message}`);
          throw PemsException.unavailable(error.message);
        }
        throw error;
      }
      const counts = await this.mirror.applyMany(organizationId, page.records, 'read_sync');
      report.created += counts.created;
      report.updated += counts.updated;
      report.unchanged += counts.unchanged;
      report.pages += 1;
      // The client refuses a cursor that does not advance, so only PEMS omitting it ends the walk.
      cursor = page.nextCursor;
    }
    const marked = await returningRows<{ id: string }>(
      this.dataSource,
      `UPDATE pfa_records SET deleted_in_pems_at = now(), updated_at = now()
       WHERE organization_id = $1 AND deleted_in_pems_at IS NULL AND (last_synced_at IS NULL OR last_synced_at < $2)
       RETURNING id`,
      [organizationId, startedAt],
    );
    report.markedDeleted = marked.length;
    const finishedAt = new Date();
    const result = { ...report, startedAt, finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime() };
    this.logger.log(
      `Read sync of ${connection.organizationCode}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.markedDeleted} marked deleted, ${result.pages} page(s) in ${result.durationMs} ms`,
    );
    return result;
  }
}
