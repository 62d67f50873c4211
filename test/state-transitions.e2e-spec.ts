import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { MODIFICATION_STATUSES, ModificationStatus } from '../src/pfa/entities/pfa-modification.entity';
import { MODIFICATION_TRANSITIONS, ModificationStates, ModificationTransition } from '../src/pfa/modification-states';
import { PfaWriteQueueItem, QUEUE_STATUSES, QueueStatus } from '../src/write-queue/entities/pfa-write-queue.entity';
import { WriteQueueService } from '../src/write-queue/write-queue.service';
import { WriteSyncHarness, pfaIds } from './support/write-sync-harness';

const QUEUE_ITEM_STATUSES = QUEUE_STATUSES;

class Rollback extends Error {}

/**
 * The state machines of docs/write-sync.md, held to their owners: every transition of a
 * modification (ModificationStates) and of a queue item (WriteQueueService) moves a row only
 * from the states it may start from, and leaves a row in any other state as it was.
 */
describe('state transitions (e2e)', () => {
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Runs `work` in a transaction that is rolled back, so each case starts from the same rows. */
  async function inRolledBack<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let answer: T | undefined;
    await h.testApp.dataSource
      .transaction(async (manager) => {
        answer = await work(manager);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return answer as T;
  }

  describe('a modification', () => {
    let ids: string[];

    beforeAll(async () => {
      await h.reset(MODIFICATION_STATUSES.length);
      await h.holdServer();
      ids = [];
      for (const pfaId of pfaIds(MODIFICATION_STATUSES.length)) ids.push(await h.edit(pfaId, { model: `${pfaId} for the state machine` }));
    });

    const cases = (Object.keys(MODIFICATION_TRANSITIONS) as ModificationTransition[]).flatMap((transition) => MODIFICATION_STATUSES.map((status) => [transition, status] as const));

    it.each(cases)('%s from %s: moves only from the states it may start from', async (transition, status) => {
      const { from, to } = MODIFICATION_TRANSITIONS[transition];
      const allowed = (from as readonly ModificationStatus[]).includes(status);
      const id = ids[MODIFICATION_STATUSES.indexOf(status)];
      const { moved, after } = await inRolledBack(async (manager) => {
        await manager.query(`UPDATE pfa_modification SET status = $2 WHERE id = $1`, [id, status]);
        const states = h.testApp.app.get(ModificationStates);
        const answer =
          transition === 'requeueResolved'
            ? (await states.requeueResolved(manager, id, { changes: { model: 'rebased' }, baseValues: { model: null }, baseVersion: 2 }))
              ? [id]
              : []
            : await states.move(manager, transition, [id], 'the reason');
        const [row] = await manager.query(`SELECT status FROM pfa_modification WHERE id = $1`, [id]);
        return { moved: answer, after: row.status as ModificationStatus };
      });
      expect(moved).toEqual(allowed ? [id] : []);
      expect(after).toBe(allowed ? to : status);
    });
  });

  describe('a queue item', () => {
    let item: PfaWriteQueueItem;

    beforeAll(async () => {
      await h.reset(1);
      await h.holdServer();
      const modificationId = await h.edit(pfaIds(1)[0], { model: 'queued for the state machine' });
      await h.queueOk();
      item = await h.itemOf(modificationId);
    });

    /** The item put in `status` (with a lease token when processing) and its modification in the state that goes with it. */
    async function setItem(manager: EntityManager, status: QueueStatus, leaseToken: string | null): Promise<PfaWriteQueueItem> {
      const modificationStatus = { pending: 'queued', processing: 'syncing', completed: 'synced', failed: 'failed', cancelled: 'pending' }[status];
      await manager.query(
        `UPDATE pfa_write_queue SET status = $2::text, lease_token = $3::uuid, locked_until = CASE WHEN $2::text = 'processing' THEN now() - interval '1 minute' END WHERE id = $1`,
        [item.id, status, leaseToken],
      );
      await manager.query(`UPDATE pfa_modification SET status = $2 WHERE id = $1`, [item.modificationId, modificationStatus]);
      return Object.assign(new PfaWriteQueueItem(), { ...item, status, leaseToken });
    }

    const statusOf = async (manager: EntityManager) => (await manager.query(`SELECT status FROM pfa_write_queue WHERE id = $1`, [item.id]))[0].status as QueueStatus;
    const queue = () => h.testApp.app.get(WriteQueueService);

    type Case = { name: string; from: QueueStatus[]; to: QueueStatus; leased: boolean; run: (manager: EntityManager, claimed: PfaWriteQueueItem) => Promise<boolean> };
    const transitions: Case[] = [
      { name: 'complete', from: ['processing'], to: 'completed', leased: true, run: async (m, c) => (await queue().completeAll(m, [{ item: c, statusCode: 200 }])).has(c.id) },
      { name: 'fail', from: ['processing'], to: 'failed', leased: true, run: (m, c) => queue().fail(m, c, { reason: 'refused', statusCode: 400, modification: 'fail' }) },
      { name: 'retry failed', from: ['failed'], to: 'pending', leased: false, run: async (m) => (await queue().retryFailed(m, item.organizationId, [item.id])) === 1 },
      { name: 'cancel', from: ['pending'], to: 'cancelled', leased: false, run: async (m) => (await queue().cancel(m, item.id, 'Cancelled by a user')) !== null },
    ];
    const cases = transitions.flatMap((transition) => QUEUE_ITEM_STATUSES.map((status) => [transition.name, status, transition] as const));

    it.each(cases)('%s from %s: moves only from the states it may start from', async (_name, status, transition) => {
      const allowed = transition.from.includes(status);
      const { moved, after } = await inRolledBack(async (manager) => {
        const claimed = await setItem(manager, status, status === 'processing' ? randomUUID() : null);
        const answer = await transition.run(manager, claimed);
        return { moved: answer, after: await statusOf(manager) };
      });
      expect(moved).toBe(allowed);
      expect(after).toBe(allowed ? transition.to : status);
    });

    it.each(transitions.filter((transition) => transition.leased).map((transition) => [transition.name, transition] as const))(
      "%s of an attempt whose lease is not the item's: refused, the item stays processing",
      async (_name, transition) => {
        const { moved, after } = await inRolledBack(async (manager) => {
          const claimed = await setItem(manager, 'processing', randomUUID());
          const answer = await transition.run(manager, { ...claimed, leaseToken: randomUUID() } as PfaWriteQueueItem);
          return { moved: answer, after: await statusOf(manager) };
        });
        expect(moved).toBe(false);
        expect(after).toBe('processing');
      },
    );
  });
});
