import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { Audited } from '../common/audited.decorator';
import { UuidParam } from '../common/uuid-param.pipe';
import {
  CancelQueueItemsDto,
  CancelQueueItemsResponseDto,
  QueueItemDetailDto,
  QueueItemDto,
  QueueItemPageDto,
  RetryQueueItemsDto,
  RetryQueueItemsResponseDto,
  WriteQueueQueryDto,
} from './dto/write-queue.dto';
import { PfaWriteQueueItem } from './entities/pfa-write-queue.entity';
import { WriteQueueOperationsService } from './write-queue-operations.service';

@ApiTags('pems')
@Controller('pems/write-queue')
export class WriteQueueController {
  constructor(private readonly operations: WriteQueueOperationsService) {}

  @Get()
  @Authenticated({ permission: 'perm_Read' })
  @ApiOperation({
    summary: 'Queue items, newest first, with their attempts and last error',
    description: 'Filters by status, by when the item was queued (`from` inclusive, `to` exclusive) and by pfaId (exactly).',
  })
  @ApiOkResponse({ type: QueueItemPageDto })
  @ApiBadRequestResponse({ description: 'A bad filter, or `from` after `to`' })
  list(@Query() query: WriteQueueQueryDto): Promise<QueueItemPageDto> {
    return this.operations.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'perm_Read', organization: { resource: PfaWriteQueueItem, param: 'id' } })
  @ApiOperation({ summary: 'One queue item with its attempts, due time, lease and modification' })
  @ApiOkResponse({ type: QueueItemDetailDto })
  getOne(@UuidParam('id') id: string): Promise<QueueItemDetailDto> {
    return this.operations.getOne(id);
  }

  @Post('retry')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync' })
  @Audited('queue.retry')
  @ApiOperation({
    summary: 'Failed items (the listed ones, all matching a filter, or all) back to pending, with their retries counted afresh',
    description: 'Give `ids` or `filter`, not both. Items that cannot be retried are skipped with the reason.',
  })
  @ApiOkResponse({ type: RetryQueueItemsResponseDto })
  @ApiBadRequestResponse({ description: '`ids` and `filter` together, or a bad filter' })
  retry(@Body() body: RetryQueueItemsDto): Promise<RetryQueueItemsResponseDto> {
    return this.operations.retry(body);
  }

  @Post('cancel')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ permission: 'perm_Sync' })
  @Audited('queue.cancel')
  @ApiOperation({
    summary: 'Cancel pending items (the listed ones, all matching a filter, or all); their modifications become pending again',
    description: 'Give `ids` or `filter`, not both. Items not pending are skipped with the reason.',
  })
  @ApiOkResponse({ type: CancelQueueItemsResponseDto })
  @ApiBadRequestResponse({ description: '`ids` and `filter` together, or a bad filter' })
  cancelMany(@Body() body: CancelQueueItemsDto): Promise<CancelQueueItemsResponseDto> {
    return this.operations.cancelMany(body);
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
