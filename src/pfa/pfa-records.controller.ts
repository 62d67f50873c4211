import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { EditPfaRecordDto } from './dto/edit-pfa-record.dto';
import { ModificationDto, PfaRecordDetailDto, PfaRecordPageDto } from './dto/pfa-record.dto';
import { ListPfaRecordsQueryDto } from './dto/pfa-queries.dto';
import { PfaRecord } from './entities/pfa-record.entity';
import { PfaModificationsService } from './pfa-modifications.service';
import { PfaRecordsService } from './pfa-records.service';

@ApiTags('pfa')
@Controller('pfa')
export class PfaRecordsController {
  constructor(
    private readonly records: PfaRecordsService,
    private readonly modifications: PfaModificationsService,
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
}
