import { Controller, Delete } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { ModificationDto } from '../pfa/dto/pfa-record.dto';
import { PfaModification } from '../pfa/entities/pfa-modification.entity';
import { WriteQueueOperationsService } from './write-queue-operations.service';

/**
 * DELETE /api/pfa/modifications/:id. A PFA route served by the queue's module: discarding a
 * queued modification cancels its queue item, and pfa, which the queue builds on, must not
 * reach into the queue.
 */
@ApiTags('pfa')
@Controller('pfa/modifications')
export class ModificationDiscardController {
  constructor(private readonly operations: WriteQueueOperationsService) {}

  @Delete(':id')
  @Authenticated({ permission: 'perm_Edit', organization: { resource: PfaModification, param: 'id' } })
  @Audited('modification.discard')
  @ApiOperation({ summary: 'Discard a modification that is not sent yet (pending, or queued and not yet claimed)' })
  @ApiOkResponse({ type: ModificationDto })
  @ApiConflictResponse({ description: 'The modification is being sent or has been' })
  discard(@UuidParam('id') id: string): Promise<ModificationDto> {
    return this.operations.discard(id);
  }
}
