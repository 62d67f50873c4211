import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Observable, Subject, filter } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import { PgListenerService } from '../database/pg-listener.service';
import { SyncEvent } from './sync-event';

const SYNC_EVENTS_CHANNEL = 'pems_sync_events';
const MAX_DETAIL_LENGTH = 500;

/**
 * Sync events travel through PostgreSQL NOTIFY, so a browser connected to any instance hears
 * of what every instance's worker does. Published inside a transaction, an event goes out
 * only if that transaction commits.
 */
@Injectable()
export class SyncEventsService implements OnModuleInit {
  private readonly logger = new Logger('SyncEvents');
  private readonly events = new Subject<SyncEvent>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly listener: PgListenerService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listener.listen(SYNC_EVENTS_CHANNEL, (payload) => {
      try {
        this.events.next(JSON.parse(payload) as SyncEvent);
      } catch {
        this.logger.warn('Ignored an unreadable sync event');
      }
    });
  }

  async publish(event: Omit<SyncEvent, 'at'>, manager?: EntityManager): Promise<void> {
    await this.publishMany([event], manager);
  }

  /** Several events in one round trip (a NOTIFY each, in order). */
  async publishMany(events: Array<Omit<SyncEvent, 'at'>>, manager?: EntityManager): Promise<void> {
    if (events.length === 0) return;
    const at = new Date().toISOString();
    const payloads = events.map((event) => JSON.stringify({ ...event, at, ...(event.detail ? { detail: event.detail.slice(0, MAX_DETAIL_LENGTH) } : {}) } satisfies SyncEvent));
    await (manager ?? this.dataSource).query('SELECT count(pg_notify($1, payload)) FROM unnest($2::text[]) AS payload', [SYNC_EVENTS_CHANNEL, payloads]);
  }

  /** The events of one organization, as they happen. */
  stream(organizationId: string): Observable<SyncEvent> {
    return this.events.pipe(filter((event) => event.organizationId === organizationId));
  }
}
