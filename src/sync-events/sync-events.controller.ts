import { Controller, MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable, interval, map, merge } from 'rxjs';
import { Authenticated } from '../auth/authenticated.decorator';
import { SyncEventsQueryDto } from './dto/sync-events-query.dto';
import { SyncEventsService } from './sync-events.service';

/** Comments keep idle connections (and proxies) from timing out. */
const KEEP_ALIVE_MS = 15_000;

@ApiTags('pems')
@Controller('pems/events')
export class SyncEventsController {
  constructor(private readonly events: SyncEventsService) {}

  @Sse()
  @Authenticated({ permission: 'perm_Read' })
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: "Server-sent events of the organization's sync: sync.processing, sync.completed, sync.failed, conflict.created, conflict.resolved",
    description: 'Each event has the type as its SSE event name and a JSON body with organizationId, at, and the ids concerned.',
  })
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  stream(@Query() query: SyncEventsQueryDto): Observable<MessageEvent> {
    return merge(
      this.events.stream(query.organizationId).pipe(map((event): MessageEvent => ({ type: event.type, data: event }))),
      interval(KEEP_ALIVE_MS).pipe(map((): MessageEvent => ({ type: 'keep-alive', data: {} }))),
    );
  }
}
