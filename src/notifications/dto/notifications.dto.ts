import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, Equals, IsArray, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { BooleanQuery } from '../../common/dto/boolean-query';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';
import { IsNotGivenWith } from '../../common/dto/request-rules';
import { NotificationKind } from '../entities/notification.entity';

export class NotificationsQueryDto extends PaginationQueryDto {
  /** `true`: only the unread ones; `false` (the default): read and unread. */
  @IsOptional()
  @BooleanQuery()
  unread = false;

  /** Only those of this organization (also narrows `unreadCount`). */
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class NotificationDto {
  id: string;
  /** edit.synced, edit.conflict, edit.failed (to the editor); conflict.created, credentials.rejected (to the members holding perm_Sync). */
  kind: NotificationKind;
  organizationId: string;
  /** The record's PEMS key; null for credentials.rejected. */
  pfaId: string | null;
  recordId: string | null;
  modificationId: string | null;
  /** edit.conflict and conflict.created: the conflict to resolve. */
  conflictId: string | null;
  /** A short sentence saying what happened, as plain text. */
  text: string;
  createdAt: Date;
  /** Null while unread. */
  readAt: Date | null;
}

export class NotificationPageDto {
  items: NotificationDto[];
  total: number;
  page: number;
  pageSize: number;
  /** The caller's unread notifications (of `organizationId` when given), whatever `unread` and the page. */
  unreadCount: number;
}

export class MarkNotificationsReadDto {
  /** These of the caller's notifications; ids that are not theirs are left alone and not counted. Required unless `all` is given. */
  @ValidateIf((body: MarkNotificationsReadDto) => body.all === undefined || body.ids !== undefined)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids?: string[];

  /** Every one of the caller's unread notifications; not together with `ids`. */
  @IsOptional()
  @Equals(true, { message: 'all must be true when given' })
  @IsNotGivenWith('ids')
  all?: true;
}

export class MarkNotificationsReadResponseDto {
  /** How many went from unread to read. */
  markedCount: number;
}
