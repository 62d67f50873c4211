import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { EditPfaRecordDto } from './dto/edit-pfa-record.dto';
import { ModificationDto, PfaRecordDetailDto, PfaRecordPageDto } from './dto/pfa-record.dto';
import { ListPfaRecordsQueryDto } from './dto/pfa-queries.dto';
import { RestorePreviewDto, RestorePreviewQueryDto, RestoreVersionDto } from './dto/restore-version.dto';
import { PfaRecord } from './entities/pfa-record.entity';
import { PfaModificationsService } from './pfa-modifications.service';
import { PfaRecordsService } from './pfa-records.service';
import { PfaRestoreService } from './pfa-restore.service';

@ApiTags('pfa')
@Controller('pfa')
export class PfaRecordsController {
  constructor(
    private readonly records: PfaRecordsService,
    private readonly modifications: PfaModificationsService,
    private readonly restores: PfaRestoreService,
  ) {}

  @Get()
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({ summary: 'Mirror records with their effective values (PEMS plus unsynced edits) and sync state' })
  @ApiOkResponse({ type: PfaRecordPageDto })
  list(@Query() query: ListPfaRecordsQueryDto): Promise<PfaRecordPageDto> {
    return this.records.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'perm_Read', organization: { resource: PfaRecord, param: 'id' } })
  @ApiOperation({ summary: 'One record with its modifications and history' })
  @ApiOkResponse({ type: PfaRecordDetailDto })
  getOne(@UuidParam('id') id: string): Promise<PfaRecordDetailDto> {
    return this.records.getOne(id);
  }

  @Patch(':id')
  @HttpCode(HttpStatus.CREATED)
  @Authenticated({ permission: 'perm_Edit', organization: { resource: PfaRecord, param: 'id' } })
  @Audited('pfa.edit')
  @ApiOperation({
    summary: 'Edit a record: creates a pending modification (or updates your own pending one)',
    description: 'Every rule of the PFA validation applies to the record as it would be after the change; all errors come back at once.',
  })
  @ApiCreatedResponse({ type: ModificationDto })
  @ApiBadRequestResponse({ description: 'Validation errors, each with field, code and message' })
  @ApiConflictResponse({ description: 'The record no longer exists in PEMS' })
  edit(@UuidParam('id') id: string, @Body() body: EditPfaRecordDto, @Auth() auth: AuthContext): Promise<ModificationDto> {
    return this.modifications.edit(id, auth.user, body);
  }

  @Get(':id/restore-preview')
  @Authenticated({ permission: 'perm_Read', organization: { resource: PfaRecord, param: 'id' } })
  @ApiOperation({ summary: "What restoring a version from the record's history would change: its editable fields whose effective value now differs" })
  @ApiOkResponse({ type: RestorePreviewDto })
  @ApiNotFoundResponse({ description: 'No such record, or no such version in its history' })
  restorePreview(@UuidParam('id') id: string, @Query() query: RestorePreviewQueryDto): Promise<RestorePreviewDto> {
    return this.restores.preview(id, query.version);
  }

  @Post(':id/restore')
  @HttpCode(HttpStatus.CREATED)
  @Authenticated({ permission: 'perm_Edit', organization: { resource: PfaRecord, param: 'id' } })
  @Audited('pfa.restore')
  @ApiOperation({
    summary: 'Restore a version: a modification setting the editable fields back to their values in that version',
    description: 'Made exactly as PATCH /pfa/{id} makes an edit (validation on the effective record, your pending edit folded, then queued like any edit); a reason is required.',
  })
  @ApiCreatedResponse({ type: ModificationDto })
  @ApiBadRequestResponse({ description: "Validation errors, each with field, code and message; NO_CHANGE when the record already holds that version's values" })
  @ApiConflictResponse({ description: 'The record no longer exists in PEMS' })
  @ApiNotFoundResponse({ description: 'No such record, or no such version in its history' })
  restore(@UuidParam('id') id: string, @Body() body: RestoreVersionDto, @Auth() auth: AuthContext): Promise<ModificationDto> {
    return this.restores.restore(id, auth.user, body);
  }
}
