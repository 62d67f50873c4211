import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { ModificationPageDto } from './dto/pfa-record.dto';
import { ListModificationsQueryDto } from './dto/pfa-queries.dto';
import { PfaModificationsService } from './pfa-modifications.service';

/** Registered before PfaRecordsController, so that /pfa/modifications is not taken for /pfa/:id. */
@ApiTags('pfa')
@Controller('pfa/modifications')
export class PfaModificationsController {
  constructor(private readonly modifications: PfaModificationsService) {}

  @Get()
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({ summary: "The organization's modifications, newest first" })
  @ApiOkResponse({ type: ModificationPageDto })
  list(@Query() query: ListModificationsQueryDto, @Auth() auth: AuthContext): Promise<ModificationPageDto> {
    return this.modifications.list(query, auth.user);
  }
}
