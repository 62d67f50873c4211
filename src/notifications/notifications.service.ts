import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '../database/returning-rows';
import { MarkNotificationsReadDto, MarkNotificationsReadResponseDto, NotificationDto, NotificationPageDto, NotificationsQueryDto } from './dto/notifications.dto';
import { deleteInBatches } from '../database/delete-in-batches';

/** The longest text of a notification (the column's length). */
const MAX_TEXT = 500;
/** The most of a failure's reason that goes into its text. */
const MAX_REASON = 300;

/** The end of one edit, as its editor hears of it. */
export interface EditEnd {
  modificationId: string;
  pfaId: string;
  /** edit.failed: why. */
  reason?: string;
}

/** A conflict just recorded, as the people who resolve conflicts hear of it. */
export interface NewConflictNotice {
  conflictId: string;
  organizationId: string;
  modificationId: string;
  recordId: string;
  pfaId: string;
  /** The editor of the conflicting modification: hears `edit.conflict`, not `conflict.created` as well. */
  editorId: string;
  conflictFields: string[];
}

interface NotificationRow {
  id: string;
  kind: NotificationDto['kind'];
  organization_id: string;
  pfa_id: string | null;
  record_id: string | null;
  modification_id: string | null;
  conflict_id: string | null;
  text: string;
  created_at: Date;
  read_at: Date | null;
}

/**
 * What a user may see of their own notifications: those of the organizations they are still a
 * member of (a superadmin sees all of theirs). `$1` is the user's id, `$2` whether they are a
 * superadmin; `n` the notification.
 */
const VISIBLE = `n.user_id = $1 AND ($2 OR EXISTS (SELECT 1 FROM user_organizations m WHERE m.user_id = n.user_id AND m.organization_id = n.organization_id))`;

const clip = (text: string, length = MAX_TEXT): string => (text.length <= length ? text : `${text.slice(0, length - 1)}…`);

/**
 * The only writer of `notifications` (docs/notifications.md). The owners of the state changes a
 * notification tells of call it inside their own transaction, so that a notification exists if and
 * only if its change committed: WriteCompletionBatcher (edits synced, one statement per group of
 * completions), WriteOutcomes (an edit failed), ConflictStore (a conflict recorded) and
 * ServerAuthPauseService (a server's credentials rejected). Each of those changes is a guarded
 * transition that happens once, whichever instance makes it; that is what keeps notifications from
 * being written twice. Every write is one INSERT … SELECT, whatever the number of recipients.
 */
@Injectable()
export class NotificationsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The editors of these modifications hear that their edits are in PEMS (`edit.synced`) or failed for good (`edit.failed`). */
  async editsEnded(manager: EntityManager, kind: 'edit.synced' | 'edit.failed', edits: EditEnd[]): Promise<void> {
    if (edits.length === 0) return;
    const texts = edits.map(({ pfaId, reason }) =>
      kind === 'edit.synced' ? clip(`Your edit of ${pfaId} is in PEMS.`) : clip(`Your edit of ${pfaId} failed: ${clip(reason ?? 'unknown error', MAX_REASON)}`),
    );
    await manager.query(
      `INSERT INTO notifications (user_id, organization_id, kind, modification_id, record_id, pfa_id, text)
       SELECT m.user_id, m.organization_id, $1, m.id, m.record_id, given.pfa_id, given.text
       FROM unnest($2::uuid[], $3::varchar[], $4::varchar[]) AS given(modification_id, pfa_id, text)
       JOIN pfa_modification m ON m.id = given.modification_id`,
      [kind, edits.map((edit) => edit.modificationId), edits.map((edit) => edit.pfaId), texts],
    );
  }

  /**
   * A conflict was recorded: its editor hears `edit.conflict`; every other active member of the
   * organization who holds perm_Sync there (a superadmin member counts as holding it) hears
   * `conflict.created`. Superadmins who are not members hear nothing: they run the service, and
   * would otherwise hear of every organization's conflicts.
   */
  async conflictCreated(manager: EntityManager, conflict: NewConflictNotice): Promise<void> {
    const fields = clip(conflict.conflictFields.join(', '), MAX_REASON);
    await manager.query(
      `WITH editor AS (SELECT id, username FROM users WHERE id = $5::uuid)
       INSERT INTO notifications (user_id, organization_id, kind, modification_id, conflict_id, record_id, pfa_id, text)
       SELECT editor.id, $1::uuid, 'edit.conflict', $2::uuid, $3::uuid, $4::uuid, $6::varchar,
              left(format('Your edit of %s conflicts with a change in PEMS (%s).', $6::text, $7::text), ${MAX_TEXT})
       FROM editor
       UNION ALL
       SELECT m.user_id, $1::uuid, 'conflict.created', $2::uuid, $3::uuid, $4::uuid, $6::varchar,
              left(format('%s''s edit of %s conflicts with a change in PEMS (%s).', coalesce((SELECT username FROM editor), 'A user'), $6::text, $7::text), ${MAX_TEXT})
       FROM user_organizations m JOIN users u ON u.id = m.user_id
       WHERE m.organization_id = $1::uuid AND (m.perm_sync OR u.is_superadmin) AND u.is_active AND m.user_id <> $5::uuid`,
      [conflict.organizationId, conflict.modificationId, conflict.conflictId, conflict.recordId, conflict.editorId, conflict.pfaId, fields],
    );
  }

  /** PEMS rejected the organization's server's credentials and its writes paused: every active member holding perm_Sync hears it. */
  async credentialsRejected(manager: EntityManager, organizationId: string): Promise<void> {
    await manager.query(
      `INSERT INTO notifications (user_id, organization_id, kind, text)
       SELECT m.user_id, $1, 'credentials.rejected',
              left(format('PEMS rejected the credentials of the server %s: its writes are paused until they are changed or a probe succeeds.', coalesce(s.name, 'of the organization')), ${MAX_TEXT})
       FROM user_organizations m JOIN users u ON u.id = m.user_id LEFT JOIN api_servers s ON s.organization_id = m.organization_id
       WHERE m.organization_id = $1 AND (m.perm_sync OR u.is_superadmin) AND u.is_active`,
      [organizationId],
    );
  }

  /** The caller's notifications, newest first; `unreadCount` counts their unread ones (of `organizationId` when given). */
  async list(user: { id: string; isSuperadmin: boolean }, query: NotificationsQueryDto): Promise<NotificationPageDto> {
    const parameters: unknown[] = [user.id, user.isSuperadmin];
    let scope = VISIBLE;
    if (query.organizationId) {
      parameters.push(query.organizationId);
      scope += ` AND n.organization_id = $${parameters.length}`;
    }
    const filter = query.unread ? `${scope} AND n.read_at IS NULL` : scope;
    const [rows, [counts]] = await Promise.all([
      this.dataSource.query(
        `SELECT n.id, n.kind, n.organization_id, n.pfa_id, n.record_id, n.modification_id, n.conflict_id, n.text, n.created_at, n.read_at
         FROM notifications n WHERE ${filter}
         ORDER BY n.created_at DESC, n.id DESC LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
        [...parameters, query.pageSize, (query.page - 1) * query.pageSize],
      ) as Promise<NotificationRow[]>,
      this.dataSource.query(
        `SELECT (SELECT count(*) FROM notifications n WHERE ${filter})::int AS total,
                (SELECT count(*) FROM notifications n WHERE ${scope} AND n.read_at IS NULL)::int AS unread`,
        parameters,
      ) as Promise<Array<{ total: number; unread: number }>>,
    ]);
    return { items: rows.map(toDto), total: counts.total, page: query.page, pageSize: query.pageSize, unreadCount: counts.unread };
  }

  /** Marks the caller's listed notifications, or all of them, read; ids that are not the caller's unread ones are left alone. */
  async markRead(user: { id: string; isSuperadmin: boolean }, body: MarkNotificationsReadDto): Promise<MarkNotificationsReadResponseDto> {
    const parameters: unknown[] = [user.id, user.isSuperadmin];
    let which = '';
    if (body.ids) {
      parameters.push(body.ids);
      which = ` AND n.id = ANY($3::uuid[])`;
    }
    const rows = await returningRows<{ id: string }>(
      this.dataSource,
      `UPDATE notifications n SET read_at = now() WHERE ${VISIBLE} AND n.read_at IS NULL${which} RETURNING n.id`,
      parameters,
    );
    return { markedCount: rows.length };
  }

  /**
   * Deletes notifications older than `days`, read or not, in batches so that no statement holds
   * locks for long (the write-sync retention, with the finished queue items).
   */
  purgeOlderThan(days: number, batchSize = 5000): Promise<number> {
    return deleteInBatches(this.dataSource, 'notifications', 'created_at < now() - make_interval(days => $1)', days, batchSize);
  }
}

function toDto(row: NotificationRow): NotificationDto {
  return {
    id: row.id,
    kind: row.kind,
    organizationId: row.organization_id,
    pfaId: row.pfa_id,
    recordId: row.record_id,
    modificationId: row.modification_id,
    conflictId: row.conflict_id,
    text: row.text,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}
