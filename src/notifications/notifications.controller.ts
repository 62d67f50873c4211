import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { AuditExempt } from '../common/audited.decorator';
import { MarkNotificationsReadDto, MarkNotificationsReadResponseDto, NotificationPageDto, NotificationsQueryDto } from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: "The caller's notifications, newest first, with their unread count",
    description:
      "Only the caller's own, and only of the organizations they are a member of (a superadmin: all of theirs). The editor hears edit.synced, edit.conflict and edit.failed; " +
      'the members holding perm_Sync hear conflict.created and credentials.rejected. Kept PEMS_WRITE_SYNC_RETENTION_DAYS days, read or not. ' +
      'The console refetches it when an event arrives on GET /api/pems/events.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiBadRequestResponse({ description: 'A bad unread, organizationId, page or pageSize' })
  list(@Query() query: NotificationsQueryDto, @Auth() auth: AuthContext): Promise<NotificationPageDto> {
    return this.notifications.list(auth.user, query);
  }

  @Post('read')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @AuditExempt("Marking one's own notifications read changes nothing of any organization, only what the caller has seen")
  @ApiOperation({
    summary: "Mark the caller's notifications read: the listed ones, or all",
    description: "Give `ids` or `all: true`, not both. Ids that are not the caller's, or already read, are left alone and not counted.",
  })
  @ApiOkResponse({ type: MarkNotificationsReadResponseDto })
  @ApiBadRequestResponse({ description: 'Neither ids nor all, both, or a bad id' })
  markRead(@Body() body: MarkNotificationsReadDto, @Auth() auth: AuthContext): Promise<MarkNotificationsReadResponseDto> {
    return this.notifications.markRead(auth.user, body);
  }
}
