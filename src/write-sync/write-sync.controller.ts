import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { UserThrottlerGuard } from '../throttling/user-throttler.guard';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { Audited } from '../common/audited.decorator';
import { SyncStatusDto, SyncStatusQueryDto } from '../write-queue/dto/write-queue.dto';
import { WriteSyncRequestDto, WriteSyncResponseDto } from './dto/write-sync.dto';
import { SyncTimelineDto, SyncTimelineQueryDto } from './dto/sync-timeline.dto';
import { ServerStateQueryDto, ServerStateDto } from './dto/server-state.dto';
import { ServerStateService } from './server-state.service';
import { SyncStatusService } from './sync-status.service';
import { SyncTimelineService } from './sync-timeline.service';
import { WriteSyncService } from './write-sync.service';

@ApiTags('pems')
@Controller('pems')
export class WriteSyncController {
  constructor(
    private readonly writeSync: WriteSyncService,
    private readonly syncStatus: SyncStatusService,
    private readonly syncTimeline: SyncTimelineService,
    private readonly serverStates: ServerStateService,
  ) {}

  @Post('write-sync')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync' })
  @Audited('write-sync.send')
  @ApiOperation({
    summary: "Queue the organization's pending modifications (or the listed ones) for PEMS",
    description: 'Each modification is validated again; if any is invalid nothing is queued. A modification is never queued twice.',
  })
  @ApiOkResponse({ type: WriteSyncResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid modifications (with their errors), or listed ids that are not pending modifications of the organization' })
  @ApiConflictResponse({ description: 'The organization has no write-enabled PEMS API server' })
  @UseGuards(UserThrottlerGuard)
  @ApiTooManyRequestsResponse({ description: 'More than SYNC_REQUESTS_PER_MINUTE of these from the user in a minute; see Retry-After' })
  queue(@Body() body: WriteSyncRequestDto, @Auth() auth: AuthContext): Promise<WriteSyncResponseDto> {
    return this.writeSync.queueModifications(body, auth.user.id);
  }

  @Get('server-state')
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({
    summary: "The organization's PEMS server: its tenant's rate limit and use of it, and what holds its writes (never credentials)",
    description:
      'sentLastMinute and usedPerSecondNow count every PEMS request of the tenant (reads, writes, grid pages; every organization and instance), ' +
      'when the rate limiter granted it, to the second. configured: false (and every other field null) when the organization has no API server.',
  })
  @ApiOkResponse({ type: ServerStateDto })
  serverState(@Query() query: ServerStateQueryDto): Promise<ServerStateDto> {
    return this.serverStates.state(query.organizationId);
  }

  @Get('sync-status')
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({ summary: "The organization's write queue in figures, and its health" })
  @ApiOkResponse({ type: SyncStatusDto })
  status(@Query() query: SyncStatusQueryDto): Promise<SyncStatusDto> {
    return this.syncStatus.status(query);
  }

  @Get('sync-status/timeline')
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({
    summary: "The organization's write sync minute by minute: completed, failed, conflicts and queue depth",
    description:
      'One entry per minute, oldest first, the current minute last, minutes with nothing as zeros. queueDepth counts the items waiting or in flight at the end of the minute, from when each was queued and finished.',
  })
  @ApiOkResponse({ type: SyncTimelineDto })
  timeline(@Query() query: SyncTimelineQueryDto): Promise<SyncTimelineDto> {
    return this.syncTimeline.timeline(query);
  }
}
