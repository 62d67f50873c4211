import { Controller, MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Observable, concatMap, filter, finalize, from, interval, map, merge, of, takeWhile, timer } from 'rxjs';
import { AccessCheck, GrantedAccess } from '../auth/access-check.service';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { AppConfig } from '../config/app-config';
import { SyncEventsQueryDto } from './dto/sync-events-query.dto';
import { EventStreamSlots } from './event-stream-slots';
import { SyncEventsService } from './sync-events.service';

/** Comments keep idle connections (and proxies) from timing out. */
const KEEP_ALIVE_MS = 15_000;

/** The last event of a stream whose access ended; the stream then closes. */
const closed = (reason: string): MessageEvent => ({ type: 'stream.closed', data: { reason } });

@ApiTags('pems')
@Controller('pems/events')
export class SyncEventsController {
  constructor(
    private readonly events: SyncEventsService,
    private readonly access: AccessCheck,
    private readonly slots: EventStreamSlots,
    private readonly config: AppConfig,
  ) {}

  @Sse()
  @Authenticated({ permission: 'perm_Read' })
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      "Server-sent events of the organization's sync: sync.processing, sync.completed, sync.failed, conflict.created, conflict.resolved, server.paused, server.resumed, server.credentials-rejected",
    description:
      'Each event has the type as its SSE event name and a JSON body with organizationId, at, and the ids concerned. ' +
      "The caller's token and perm_Read are checked again every EVENT_STREAM_RECHECK_MS (30 s) and before events are sent; when they " +
      'no longer hold (expired, deactivated, permission taken away, password changed) the stream sends `stream.closed` with the reason and ends. ' +
      'At most EVENT_STREAMS_PER_USER streams per user and EVENT_STREAMS_PER_INSTANCE per instance (429 beyond). ' +
      'Browsers: read it with fetch() and an Authorization header (response.body.getReader()), not EventSource, so that no token goes into a URL.',
  })
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  @ApiTooManyRequestsResponse({ description: 'The user, or this instance, holds as many streams as it may' })
  stream(@Query() query: SyncEventsQueryDto, @Auth() auth: AuthContext): Observable<MessageEvent> {
    const release = this.slots.take(auth.user.id);
    const granted: GrantedAccess = {
      userId: auth.user.id,
      tokenVersion: auth.user.tokenVersion,
      tokenExpiresAt: auth.tokenExpiresAt,
      organizationId: query.organizationId,
      permission: 'perm_Read',
    };
    // Before each event (and each keep-alive and recheck): one query on primary keys.
    const gated = (event: MessageEvent) => from(this.access.problemWith(granted)).pipe(map((reason) => (reason ? closed(reason) : event)));
    return merge(
      this.events.stream(query.organizationId).pipe(map((event): MessageEvent => ({ type: event.type, data: event }))),
      interval(KEEP_ALIVE_MS).pipe(map((): MessageEvent => ({ type: 'keep-alive', data: {} }))),
      interval(this.config.EVENT_STREAM_RECHECK_MS).pipe(map((): MessageEvent => ({ type: 'recheck', data: {} }))),
      timer(Math.max(0, auth.tokenExpiresAt - Date.now())).pipe(map(() => closed('the token has expired'))),
    ).pipe(
      concatMap((event) => (event.type === 'stream.closed' ? of(event) : gated(event))),
      takeWhile((event) => event.type !== 'stream.closed', true),
      // A recheck that passed is not sent: it only gave the stream its chance to close.
      filter((event) => event.type !== 'recheck'),
      finalize(release),
    );
  }
}
