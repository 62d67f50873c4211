import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { UserThrottlerGuard } from '../throttling/user-throttler.guard';
import { Authenticated } from '../auth/authenticated.decorator';
import { Audited } from '../common/audited.decorator';
import { ReadSyncReportDto, ReadSyncRequestDto } from './dto/read-sync.dto';
import { PemsReadSyncService } from './pems-read-sync.service';

@ApiTags('pems')
@Controller('pems/read-sync')
export class PemsReadSyncController {
  constructor(private readonly readSync: PemsReadSyncService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync' })
  @Audited('read-sync.start')
  @ApiOperation({
    summary: "Pull the organization's PEMS records into the mirror now; answers when done, with counts",
    description:
      'Records PEMS no longer lists are marked deleted only after a complete walk of the grid, and only up to PEMS_READ_SYNC_MAX_DELETE_PERCENT ' +
      "of the organization's records; beyond that none are marked (deletionsWithheld, warning) until the request says confirmDeletions: true.",
  })
  @ApiOkResponse({ type: ReadSyncReportDto })
  @ApiConflictResponse({ description: 'No active PEMS API server, or a read sync of the organization is running already' })
  @ApiBadGatewayResponse({
    description: 'PEMS failed during the sync (an error, or a grid cursor that does not advance); the pages read so far are kept and nothing is marked deleted',
  })
  @UseGuards(UserThrottlerGuard)
  @ApiTooManyRequestsResponse({ description: 'More than SYNC_REQUESTS_PER_MINUTE of these from the user in a minute; see Retry-After' })
  sync(@Body() body: ReadSyncRequestDto): Promise<ReadSyncReportDto> {
    return this.readSync.syncOrganization(body.organizationId, { confirmDeletions: body.confirmDeletions ?? false });
  }
}
