import { Controller, Delete, Get, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { ModificationDto, ModificationPageDto } from './dto/pfa-record.dto';
import { ListModificationsQueryDto } from './dto/pfa-queries.dto';
import { PfaModification } from './entities/pfa-modification.entity';
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
  list(@Query() query: ListModificationsQueryDto): Promise<ModificationPageDto> {
    return this.modifications.list(query);
  }

  @Delete(':id')
  @Authenticated({ permission: 'perm_Edit', organization: { resource: PfaModification, param: 'id' } })
  @ApiOperation({ summary: 'Discard a modification that is not sent yet (pending, or queued and not yet claimed)' })
  @ApiOkResponse({ type: ModificationDto })
  @ApiConflictResponse({ description: 'The modification is being sent or has been' })
  discard(@UuidParam('id') id: string): Promise<ModificationDto> {
    return this.modifications.discard(id);
  }
}
