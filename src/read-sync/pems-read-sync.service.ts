import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { findUnstorableText, holdsUnstorableCharacter } from '../common/unstorable-text';
import { AppConfig } from '../config/app-config';
import { escapeControlCharacters } from '../logging/control-characters';
import { PfaMirrorService } from '../pfa/pfa-mirror.service';
import { PemsApiError } from '../pems/client/pems-api.error';
import { PemsClient } from '../pems/client/pems.client';
import { PemsConnectionFactory } from '../pems/pems-connection.factory';
import { PemsException } from '../pems/pems-errors';
import { ReadSyncReportDto, SkippedRecordDto } from './dto/read-sync.dto';

/** Rows asked for per grid page; PEMS may send fewer. */
const READ_SYNC_PAGE_SIZE = 500;
/** Namespace of the per-organization advisory lock that keeps two read syncs of one organization apart. */
const READ_SYNC_LOCK_NAMESPACE = 727_150_002;

export interface ReadSyncOptions {
  /** Mark the records PEMS no longer lists even beyond PEMS_READ_SYNC_MAX_DELETE_PERCENT. */
  confirmDeletions?: boolean;
}

/** What marking the records PEMS no longer lists came to. */
interface UnlistedOutcome {
  marked: number;
  withheld: number;
  warning: string | null;
}

/**
 * Pulls an organization's PEMS records into the mirror, one grid page at a time (memory
 * stays bounded by the page size), following NEXTCURSORPOSITION until PEMS omits it. Each
 * page is one transaction. After a complete pass, records PEMS no longer lists are marked
 * deleted, unless they are more than PEMS_READ_SYNC_MAX_DELETE_PERCENT of the
 * organization's records and nobody confirmed: a PEMS that lists too little must not make
 * live records uneditable. Running it again with nothing changed in PEMS changes nothing.
 */
@Injectable()
export class PemsReadSyncService {
  private readonly logger = new Logger('PemsReadSync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly connections: PemsConnectionFactory,
    private readonly client: PemsClient,
    private readonly mirror: PfaMirrorService,
  ) {}

  async syncOrganization(organizationId: string, options: ReadSyncOptions = {}): Promise<ReadSyncReportDto> {
    const { connection } = await this.connections.forOrganization(organizationId);
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      const [{ locked }] = await lock.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [READ_SYNC_LOCK_NAMESPACE, organizationId]);
      if (!locked) throw PemsException.readSyncRunning();
      try {
        return await this.pull(organizationId, connection, options.confirmDeletions ?? false);
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1, hashtext($2))', [READ_SYNC_LOCK_NAMESPACE, organizationId]);
      }
    } finally {
      await lock.release();
    }
  }

  private async pull(organizationId: string, connection: Parameters<PemsClient['listRecordsPage']>[0], confirmDeletions: boolean): Promise<ReadSyncReportDto> {
    const [{ started }] = await this.dataSource.query('SELECT now() AS started');
    const startedAt = new Date(started);
    const report = { organizationId, created: 0, updated: 0, unchanged: 0, markedDeleted: 0, pages: 0 };
    const skipped: SkippedRecordDto[] = [];
    let cursor: number | null = 0;
    while (cursor !== null) {
      let page;
      try {
        page = await this.client.listRecordsPage(connection, cursor, READ_SYNC_PAGE_SIZE);
      } catch (error) {
        if (error instanceof PemsApiError) {
          this.logger.warn(`Read sync of ${connection.organizationCode} stopped at cursor ${cursor}: ${error.message}`);
          throw PemsException.unavailable(error.kind === 'credentials_rejected');
        }
        throw error;
      }
      const storable = page.records.filter((record) => {
        const field = findUnstorableText({ pfaId: record.pfaId, data: record.data });
        if (field) skipped.push({ pfaId: escapeControlCharacters(record.pfaId), field });
        return !field;
      });
      const counts = await this.mirror.applyMany(organizationId, storable, 'read_sync');
      report.created += counts.created;
      report.updated += counts.updated;
      report.unchanged += counts.unchanged;
      report.pages += 1;
      // The client refuses a cursor that does not advance, so only PEMS omitting it ends the walk.
      cursor = page.nextCursor;
    }
    if (skipped.length > 0) {
      this.logger.warn(
        `Read sync of ${connection.organizationCode}: skipped ${skipped.length} record(s) whose text no record may hold: ${skipped.map((record) => `${record.pfaId} (${record.field})`).join(', ')}`,
      );
    }
    // A skipped record that the mirror holds is still listed by PEMS: it is not marked deleted.
    const stillListed = skipped.map((record) => record.pfaId).filter((pfaId) => !holdsUnstorableCharacter(pfaId));
    const unlisted = await this.markUnlisted(organizationId, startedAt, confirmDeletions, stillListed);
    if (unlisted.warning) this.logger.warn(`Read sync of ${connection.organizationCode}: ${unlisted.warning}`);
    const finishedAt = new Date();
    const result: ReadSyncReportDto = {
      ...report,
      skipped,
      markedDeleted: unlisted.marked,
      deletionsWithheld: unlisted.withheld,
      warning: unlisted.warning,
      startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    };
    this.logger.log(
      `Read sync of ${connection.organizationCode}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.markedDeleted} marked deleted, ${result.deletionsWithheld} deletion(s) withheld, ${result.pages} page(s) in ${result.durationMs} ms`,
    );
    return result;
  }

  /**
   * Marks deleted the records the walk did not see (not synced since it started), unless
   * they are more than PEMS_READ_SYNC_MAX_DELETE_PERCENT of the organization's records not
   * marked already and the caller did not confirm. Counting and marking are one statement,
   * and a record synced meanwhile (a write's answer) is never marked: the unlisted records are
   * locked (in pfaId order) and checked again.
   */
  private async markUnlisted(organizationId: string, startedAt: Date, confirmed: boolean, stillListed: string[]): Promise<UnlistedOutcome> {
    const maxPercent = this.config.PEMS_READ_SYNC_MAX_DELETE_PERCENT;
    const { unlisted, live, marked } = await this.mirror.markUnlistedDeleted(organizationId, startedAt, { confirmed, maxPercent, stillListed });
    const withinLimit = confirmed || unlisted * 100 <= live * maxPercent;
    if (withinLimit) return { marked, withheld: 0, warning: null };
    const percent = Math.round((unlisted / live) * 1000) / 10;
    return {
      marked: 0,
      withheld: unlisted,
      warning:
        `PEMS no longer lists ${unlisted} of the organization's ${live} records (${percent}%), more than ` +
        `PEMS_READ_SYNC_MAX_DELETE_PERCENT (${maxPercent}%), so none were marked deleted. If they are gone from PEMS, ` +
        'read sync again with confirmDeletions: true to mark them.',
    };
  }
}
