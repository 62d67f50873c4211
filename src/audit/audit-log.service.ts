import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditAction } from '../common/audited.decorator';
import { Page } from '../common/dto/pagination.dto';
import { SyncMetricsService } from '../metrics/sync-metrics.service';
import { AuditEntryDto, AuditQueryDto } from './dto/audit.dto';
import { AuditLogEntry } from './entities/audit-log-entry.entity';

/** An entry to keep: who, in which organization, did what to what. */
export interface NewAuditEntry {
  user: { id: string; username: string };
  organizationId: string | null;
  action: AuditAction;
  target: string | null;
  detail: Record<string, unknown>;
}

/**
 * The only writer of `audit_log`, and its reader for GET /api/audit.
 *
 * An entry is written after its action succeeded, in a statement of its own (the action's
 * transaction has committed by then): the audit can neither undo nor fail an action that
 * happened. If the entry cannot be written, `record` does not throw: the action's answer stands,
 * and the loss is loud, never silent: an error log line holding the whole entry (so it can be
 * restored by hand) and the counter pems_sync_audit_write_failures_total, for an alert.
 */
@Injectable()
export class AuditLogService {
  private readonly logger = new Logger('Audit');

  constructor(
    @InjectRepository(AuditLogEntry) private readonly entries: Repository<AuditLogEntry>,
    private readonly metrics: SyncMetricsService,
  ) {}

  /** Keeps the entry; never throws (see the class). */
  async record(entry: NewAuditEntry): Promise<void> {
    try {
      await this.insert(this.entries.manager, entry);
    } catch (error) {
      this.failed(entry, error);
    }
  }

  /**
   * Keeps the entry in the caller's transaction, which it never fails: the insert runs in a
   * savepoint, and an insert refused is rolled back to it and reported as `record` reports it.
   * The entry then commits with its action, or not at all. For the endpoints that keep one entry
   * per item (a bulk resolution), where it also spares a commit per item.
   */
  async recordIn(manager: EntityManager, entry: NewAuditEntry): Promise<void> {
    try {
      await manager.transaction((savepoint) => this.insert(savepoint, entry));
    } catch (error) {
      this.failed(entry, error);
    }
  }

  private async insert(manager: EntityManager, entry: NewAuditEntry): Promise<void> {
    await manager.query(`INSERT INTO audit_log (user_id, username, organization_id, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)`, [
      entry.user.id,
      entry.user.username,
      entry.organizationId,
      entry.action,
      entry.target,
      JSON.stringify(entry.detail),
    ]);
  }

  private failed(entry: NewAuditEntry, error: unknown): void {
    this.metrics.auditWriteFailures.inc({ action: entry.action });
    this.logger.error(
      `The audit entry of a successful ${entry.action} could not be written (${(error as Error).message}); the entry: ` +
        JSON.stringify({ at: new Date().toISOString(), userId: entry.user.id, username: entry.user.username, ...entry, user: undefined }),
    );
  }

  /** The organization's entries, newest first, optionally of one action. */
  async list(query: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    const [rows, total] = await this.entries.findAndCount({
      where: { organizationId: query.organizationId, ...(query.action ? { action: query.action } : {}) },
      order: { id: 'DESC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return {
      items: rows.map((row) => ({
        id: row.id,
        at: row.at,
        user: { id: row.userId, username: row.username },
        organizationId: row.organizationId,
        action: row.action as AuditAction,
        target: row.target,
        detail: row.detail,
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }
}
