import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import { QueueItemDto, QueueItemPageDto, RetryQueueItemsDto, RetryQueueItemsResponseDto, WriteQueueQueryDto } from './dto/write-queue.dto';
import { PfaWriteQueueItem } from './entities/pfa-write-queue.entity';
import { WriteQueueOperationsService } from './write-queue-operations.service';

@ApiTags('pems')
@Controller('pems/write-queue')
export class WriteQueueController {
  constructor(private readonly operations: WriteQueueOperationsService) {}

  @Get()
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({ summary: 'Queue items, newest first, with their attempts and last error' })
  @ApiOkResponse({ type: QueueItemPageDto })
  list(@Query() query: WriteQueueQueryDto): Promise<QueueItemPageDto> {
    return this.operations.list(query);
  }

  @Post('retry')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync' })
  @Audited('queue.retry')
  @ApiOperation({ summary: 'Failed items (all, or the listed ones) back to pending, with their retries counted afresh' })
  @ApiOkResponse({ type: RetryQueueItemsResponseDto })
  retry(@Body() body: RetryQueueItemsDto): Promise<RetryQueueItemsResponseDto> {
    return this.operations.retry(body);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync', organization: { resource: PfaWriteQueueItem, param: 'id' } })
  @Audited('queue.cancel')
  @ApiOperation({ summary: 'Cancel a pending item; its modification becomes pending again' })
  @ApiOkResponse({ type: QueueItemDto })
  @ApiConflictResponse({ description: 'The item is not pending (being sent, or done)' })
  cancel(@UuidParam('id') id: string): Promise<QueueItemDto> {
    return this.operations.cancel(id);
  }
}
