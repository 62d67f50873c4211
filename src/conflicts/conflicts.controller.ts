import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { AuditExempt, Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { ConflictsService } from './conflicts.service';
import {
  BulkResolveConflictsDto,
  BulkResolveConflictsResponseDto,
  CheckResolutionResponseDto,
  ConflictDto,
  ConflictListDto,
  ListConflictsQueryDto,
  ResolveConflictDto,
  ResolveConflictResponseDto,
} from './dto/conflict.dto';
import { PfaSyncConflict } from './entities/pfa-sync-conflict.entity';

@ApiTags('pems')
@Controller('pems/conflicts')
export class ConflictsController {
  constructor(private readonly conflicts: ConflictsService) {}

  @Get()
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({ summary: "The organization's conflicts, unresolved first, then newest first; filtered by status, record, editor and when found" })
  @ApiOkResponse({ type: ConflictListDto })
  @ApiBadRequestResponse({ description: 'A bad filter, e.g. from after to, or a time without its time zone' })
  list(@Query() query: ListConflictsQueryDto): Promise<ConflictListDto> {
    return this.conflicts.list(query);
  }

  @Post('resolve')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync' })
  @Audited('conflict.resolve', { perItem: true })
  @ApiOperation({
    summary: 'Resolve many conflicts with use_local or use_pems: listed, or every unresolved one matching a filter (at most 1000 a call)',
    description:
      'Each conflict is resolved in its own transaction, exactly as POST /pems/conflicts/{conflictId}/resolve does it, and audited as its own conflict.resolve. ' +
      'The answer says for each: resolved, already_resolved (with who did), invalid (with the errors) or not_found.',
  })
  @ApiOkResponse({ type: BulkResolveConflictsResponseDto })
  @ApiBadRequestResponse({ description: 'Neither conflictIds nor filter, both, more than 1000 ids, or a bad filter' })
  resolveMany(@Body() body: BulkResolveConflictsDto, @Auth() auth: AuthContext): Promise<BulkResolveConflictsResponseDto> {
    return this.conflicts.resolveMany(body, auth.user);
  }

  @Get(':conflictId')
  @Authenticated({ permission: 'perm_Read', organization: { resource: PfaSyncConflict, param: 'conflictId' } })
  @ApiOperation({ summary: 'One conflict, as the list shows it' })
  @ApiOkResponse({ type: ConflictDto })
  getOne(@UuidParam('conflictId') conflictId: string): Promise<ConflictDto> {
    return this.conflicts.getOne(conflictId);
  }

  @Post(':conflictId/check')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync', organization: { resource: PfaSyncConflict, param: 'conflictId' } })
  @AuditExempt('changes nothing: it only judges a resolution')
  @ApiOperation({
    summary: 'Check a resolution by the rules resolve applies, changing nothing',
    description: 'What POST /pems/conflicts/{conflictId}/resolve would refuse with 400 VALIDATION_FAILED is answered 200 with valid false and the same errors.',
  })
  @ApiOkResponse({ type: CheckResolutionResponseDto })
  @ApiConflictResponse({ description: 'The conflict has been resolved already' })
  check(@UuidParam('conflictId') conflictId: string, @Body() body: ResolveConflictDto): Promise<CheckResolutionResponseDto> {
    return this.conflicts.check(conflictId, body);
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
