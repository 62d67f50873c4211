import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupedCalls } from '../common/grouped-calls';
import { NotificationsService } from '../notifications/notifications.service';
import { PemsRecord } from '../pems/client/pems-client.types';
import { PfaMirrorService } from '../pfa/pfa-mirror.service';
import { lockRecordsByKey } from '../pfa/record-locks';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { PfaWriteQueueItem } from '../write-queue/entities/pfa-write-queue.entity';
import { WriteQueueService } from '../write-queue/write-queue.service';
import { ServerAuthPauseService } from './server-auth-pause.service';

/** One write that PEMS took (or had already taken). */
export interface Completion {
  /** The claimed item: its lease token decides whether this attempt may still complete it. */
  item: PfaWriteQueueItem;
  /** The record as PEMS answered the write, for the mirror; null when the mirror needs no move (already applied). */
  stored: PemsRecord | null;
  statusCode: number | null;
}

/** The most completions written by one transaction. */
const MAX_GROUP = 200;

/**
 * Marks successful writes done, in groups (a "group commit"): while one group's transaction
 * runs, the completions that arrive wait and go together in the next. Each completion is
 * still all or nothing on its own: its queue item is completed only if its claim still holds
 * it (the lease token), and only then is its modification synced, in the same transaction in
 * which the mirror moves on to PEMS's answer and its editor's notification is written. At the
 * rate limit a group is one item; with many
 * writes in flight, one transaction of a few statements serves dozens.
 *
 * Locks are taken in the order every writer of these tables uses (record-locks.ts): the
 * mirror's records first, then the queue items, then the modifications.
 */
@Injectable()
export class WriteCompletionBatcher {
  private readonly logger = new Logger('PemsWriteSync');
  private readonly groups = new GroupedCalls<Completion, boolean>((_, group) => this.write(group), MAX_GROUP);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mirror: PfaMirrorService,
    private readonly events: SyncEventsService,
    private readonly authPause: ServerAuthPauseService,
    private readonly queue: WriteQueueService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Resolves true once the completion is committed, false when the worker no longer held the item. */
  complete(completion: Completion): Promise<boolean> {
    return this.groups.call('completions', completion);
  }

  /** Answers, for each completion, whether it was done. */
  private async write(group: Completion[]): Promise<boolean[]> {
    const done = await this.dataSource.transaction(async (manager) => {
      await lockRecordsByKey(
        manager,
        group.filter((completion) => completion.stored).map(({ item }) => item),
      );
      const completed = await this.queue.completeAll(manager, group);
      const won = group.filter((completion) => completed.has(completion.item.id));
      for (const [organizationId, records] of groupBy(
        won.filter((completion) => completion.stored),
        (completion) => completion.item.organizationId,
      )) {
        await this.mirror.applyMany(
          organizationId,
          records.map((completion) => completion.stored!),
          'write_sync',
          manager,
        );
      }
      await this.events.publishMany(
        won.map(({ item }) => ({ type: 'sync.completed', organizationId: item.organizationId, modificationId: item.modificationId, queueItemId: item.id, pfaId: item.pfaId })),
        manager,
      );
      // Their editors hear of it: one statement for the group, committed with the completions or not at all.
      await this.notifications.editsEnded(
        manager,
        'edit.synced',
        won.map(({ item }) => ({ modificationId: item.modificationId, pfaId: item.pfaId })),
      );
      return won;
    });
    // PEMS took these servers' credentials: a pause for rejected ones, begun before these writes were claimed, ends.
    await this.authPause
      .credentialsAccepted(done.map(({ item }) => ({ organizationId: item.organizationId, claimedAt: item.lastAttemptAt })))
      .catch((error: Error) => this.logger.warn(`Could not end a credentials pause: ${error.message}`));
    const completed = new Set(done);
    return group.map((completion) => completed.has(completion));
  }
}

function groupBy<T>(values: T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value]);
  return groups;
}
