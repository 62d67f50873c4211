import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { ConflictsService } from './conflicts.service';
import { ConflictListDto, ListConflictsQueryDto, ResolveConflictDto, ResolveConflictResponseDto } from './dto/conflict.dto';
import { PfaSyncConflict } from './entities/pfa-sync-conflict.entity';

@ApiTags('pems')
@Controller('pems/conflicts')
export class ConflictsController {
  constructor(private readonly conflicts: ConflictsService) {}

  @Get()
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({ summary: "The organization's conflicts, newest first" })
  @ApiOkResponse({ type: ConflictListDto })
  list(@Query() query: ListConflictsQueryDto): Promise<ConflictListDto> {
    return this.conflicts.list(query);
  }

  @Post(':conflictId/resolve')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync', organization: { resource: PfaSyncConflict, param: 'conflictId' } })
  @Audited('conflict.resolve')
  @ApiOperation({ summary: 'Resolve a conflict: use_local, use_pems or merge (with mergedData)' })
  @ApiOkResponse({ type: ResolveConflictResponseDto })
  @ApiBadRequestResponse({ description: 'mergedData missing a conflicting field, naming a field the modification does not change, or failing validation' })
  @ApiConflictResponse({ description: 'The conflict has been resolved already' })
  resolve(@UuidParam('conflictId') conflictId: string, @Body() body: ResolveConflictDto, @Auth() auth: AuthContext): Promise<ResolveConflictResponseDto> {
    return this.conflicts.resolve(conflictId, auth.user, body);
  }
}
