import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { AuditDetail, AuditNote, Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { ApiServerDto } from '../organizations/dto/api-server.dto';
import { OrganizationsService } from '../organizations/organizations.service';
import { PauseWritesDto } from './dto/writes-pause.dto';
import { ServerWritesPauseService } from './server-writes-pause.service';

/**
 * An admin's pause of the organization's writes to PEMS (a maintenance window). Admin routes
 * served by write sync: the pause is write sync's state, and organizations, which write sync
 * builds on, must not reach into it.
 */
@ApiTags('admin')
@Controller('admin/organizations/:id/api-server')
export class ServerWritesPauseController {
  constructor(
    private readonly writesPause: ServerWritesPauseService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Post('pause')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @Audited('server.pause')
  @ApiOperation({
    summary: "Pause the organization's writes to PEMS (a maintenance window)",
    description:
      'Nothing of the organization is claimed or sent until resumed: queued items stay pending (a send already on its way finishes). ' +
      'sync-status turns degraded and says why; server.paused goes to the event stream. Pausing a paused server changes nothing (200, the first pause stays).',
  })
  @ApiOkResponse({ type: ApiServerDto })
  @ApiBadRequestResponse({ description: 'reason missing, blank or longer than 500 characters' })
  async pause(@UuidParam('id') id: string, @Body() body: PauseWritesDto, @Auth() auth: AuthContext, @AuditNote() audit: AuditDetail): Promise<ApiServerDto> {
    const { changed } = await this.writesPause.pause(id, auth.user, body.reason);
    audit.add({ changed });
    return this.organizations.getApiServer(id);
  }

  @Post('resume')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @Audited('server.resume')
  @ApiOperation({
    summary: "Resume the organization's writes to PEMS",
    description: 'The workers of every instance are woken: the pending items are sent at once. Resuming a server that is not paused changes nothing (200).',
  })
  @ApiOkResponse({ type: ApiServerDto })
  async resume(@UuidParam('id') id: string, @Auth() auth: AuthContext, @AuditNote() audit: AuditDetail): Promise<ApiServerDto> {
    const { changed } = await this.writesPause.resume(id, auth.user);
    audit.add({ changed });
    return this.organizations.getApiServer(id);
  }
}
