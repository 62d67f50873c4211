import { LoggerService } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AddressInfo, Socket, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { PemsClient } from '../src/pems/client/pems.client';
import { WriteCompletionBatcher } from '../src/write-sync/write-completion.batcher';
import { WriteQueueService } from '../src/write-queue/write-queue.service';
import { WRITE_SYNC_JOB } from '../src/write-sync/write-sync.worker';
import { FailingQueueWrites, HeldLiveItemInsert, HeldRowLock, lockWaiters, waitForLockWaiters } from './support/database-locks';
import { ForeignLoad, checkUnlessMachineBusy } from './support/machine-load';
import { connectToSimulator } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';
import { waitForModifications } from './support/write-sync-helpers';
import { FAST_WRITE_SYNC_ENV, WriteSyncHarness, seedFaultingOnlyFirst, seedForFaultSequence, waitUntil } from './support/write-sync-harness';

/**
 * Races and edge cases of the write-sync core, each set up step by step from outside (held
 * row locks, failing statements, a slow PEMS) so that it happens every time: nothing lost,
 * nothing sent that the user did not mean, every item ends with an outcome.
 */
describe('write sync: races and edge cases (e2e)', () => {
  let h: WriteSyncHarness;
  let second: TestApp | undefined;
  const errors: string[] = [];
  const show = (level: string) => (message: unknown) => {
    if (process.env.TEST_LOG) process.stdout.write(`${new Date().toISOString()} ${level} ${String(message)}\n`);
  };
  const logger: LoggerService = {
    log: show('log'),
    warn: show('warn'),
    error: (message: unknown) => {
      show('error')(message);
      errors.push(String(message));
    },
  };

  beforeAll(async () => {
    h = await WriteSyncHarness.start({}, logger);
  });
  beforeEach(async () => {
    await h.reset(30);
    errors.length = 0;
  });
  afterEach(async () => {
    if (second) {
      await h.quiesce([h.testApp, second]);
      await second.close();
      second = undefined;
    }
  });
  afterAll(async () => {
    await h.stop();
  });

  /** For every field of every record, PEMS holds the value of the last synced modification that changed it. */
  async function expectPemsHoldsEverySyncedChange(): Promise<void> {
    const rows: Array<{ id: string; status: string; changes: Record<string, unknown>; pfa_id: string }> = await h.dataSource.query(
      `SELECT m.id, m.status, m.changes, r.pfa_id FROM pfa_modification m JOIN pfa_records r ON r.id = m.record_id WHERE m.status = 'synced' ORDER BY m.created_at`,
    );
    const last = new Map<string, { modification: string; pfaId: string; field: string; value: unknown }>();
    for (const row of rows) for (const [field, value] of Object.entries(row.changes)) last.set(`${row.pfa_id}|${field}`, { modification: row.id, pfaId: row.pfa_id, field, value });
    for (const expected of last.values()) {
      const stored = h.simulator.getRecord('RIO', expected.pfaId)!;
      expect({ ...expected, value: stored.data[expected.field as never] }).toEqual(expected);
    }
  }

  /** Queues whatever is pending and waits until every modification of the organization is final. */
  async function syncEverything(): Promise<void> {
    await h.queueOk();
    const ids: string[] = (await h.dataSource.query(`SELECT id FROM pfa_modification WHERE status NOT IN ('discarded')`)).map((row: { id: string }) => row.id);
    await waitForModifications(h.dataSource, ids);
  }

  describe('1. an edit that lands while its modification is being queued', () => {
    it('is not lost: PEMS ends up with both changes, and no modification says synced with a value PEMS lacks', async () => {
      const first = await h.edit('PFA-10001', { model: 'First change' });
      const held = await HeldRowLock.on('pfa_modification', first);
      const queueing = h.queue({ modificationIds: [first] }).then((response) => response);
      expect(await waitForLockWaiters(1)).toBe(true);
      const record = await h.recordOf('PFA-10001');
      const editing = h
        .http()
        .patch(`/api/pfa/${record.id}`)
        .set(h.as())
        .send({ changes: { manufacturer: 'Second change' } })
        .then((response) => response);
      expect(await waitForLockWaiters(2)).toBe(true);
      await held.release();

      expect((await queueing).status).toBe(200);
      const edited = await editing;
      expect(edited.status).toBe(201);
      await syncEverything();

      expect(h.simulator.getRecord('RIO', 'PFA-10001')!.data).toMatchObject({ model: 'First change', manufacturer: 'Second change' });
      await expectPemsHoldsEverySyncedChange();
    });

    it('an edit back to the original value: PEMS ends up with what the user said last, and the queued modification is not marked discarded', async () => {
      const original = (await h.recordOf('PFA-10002')).data.model;
      const first = await h.edit('PFA-10002', { model: 'Changed my mind' });
      const held = await HeldRowLock.on('pfa_modification', first);
      const queueing = h.queue({ modificationIds: [first] }).then((response) => response);
      expect(await waitForLockWaiters(1)).toBe(true);
      const record = await h.recordOf('PFA-10002');
      const editing = h
        .http()
        .patch(`/api/pfa/${record.id}`)
        .set(h.as())
        .send({ changes: { model: original } })
        .then((response) => response);
      expect(await waitForLockWaiters(2)).toBe(true);
      await held.release();

      expect((await queueing).status).toBe(200);
      expect((await editing).status).toBe(201);
      await syncEverything();

      expect(h.simulator.getRecord('RIO', 'PFA-10002')!.data.model).toBe(original);
      const [queued] = await h.dataSource.query(`SELECT status FROM pfa_modification WHERE id = $1`, [first]);
      expect(queued.status).toBe('synced');
      await expectPemsHoldsEverySyncedChange();
    });
  });

  it('2. "retry failed items" after a resolved conflict retries the newest item only, and PEMS ends up with the resolution', async () => {
    const modificationId = await h.edit('PFA-10003', { model: 'Ours' });
    h.simulator.changeRecord('RIO', 'PFA-10003', { model: 'Theirs' });
    await h.queueOk();
    await waitForModifications(h.dataSource, [modificationId], ['conflict']);
    const [conflictItem] = await h.itemsOf(modificationId);
    const { body } = await h.http().get('/api/pems/conflicts').query({ organizationId: h.rio.id }).set(h.as()).expect(200);

    // The resolution is queued, and PEMS refuses it (403): now two failed items belong to the modification.
    h.simulator.setFaults({ statusShares: { 403: 1 } });
    await h
      .http()
      .post(`/api/pems/conflicts/${body.conflicts[0].id}/resolve`)
      .set(h.as())
      .send({ resolution: 'merge', mergedData: { model: 'Merged' } })
      .expect(200);
    await waitForModifications(h.dataSource, [modificationId], ['failed']);
    h.simulator.clearFaults();
    const items = await h.itemsOf(modificationId);
    expect(items.map((item) => item.status)).toEqual(['failed', 'failed']);

    const byId = await h
      .http()
      .post('/api/pems/write-queue/retry')
      .set(h.as())
      .send({ organizationId: h.rio.id, ids: [conflictItem.id] })
      .expect(200);
    expect(byId.body).toEqual({ retriedCount: 0, skipped: [{ id: conflictItem.id, reason: expect.any(String) }] });
    const all = await h.http().post('/api/pems/write-queue/retry').set(h.as()).send({ organizationId: h.rio.id }).expect(200);
    expect(all.body.retriedCount).toBe(1);

    const [modification] = await waitForModifications(h.dataSource, [modificationId]);
    expect(modification.status).toBe('synced');
    expect(modification.changes).toEqual({ model: 'Merged' });
    expect(h.simulator.getRecord('RIO', 'PFA-10003')!.data.model).toBe('Merged');
    expect(
      h
        .updates('PFA-10003')
        .filter((entry) => entry.status === 200)
        .map((entry) => entry.fields.PFS_MODEL),
    ).toEqual([{ TEXTDATA: 'Merged' }]);
  });

  describe('4. a failure handler that throws', () => {
    it('still gives the item an outcome: the attempt counts as a retry, and after the last one the item fails with its reason', async () => {
      const refuse = await FailingQueueWrites.install((sql) => h.dataSource.query(sql), `OLD.status = 'processing' AND NEW.status = 'pending' AND NEW.last_status_code = 503`, {
        message: 'the retry could not be written',
      });
      try {
        h.simulator.setFaults({ statusShares: { 503: 1 } });
        const id = await h.edit('PFA-10004', { model: 'unlucky' });
        await h.queueOk();
        const [modification] = await waitForModifications(h.dataSource, [id], ['failed', 'synced', 'conflict'], 20_000);
        expect(modification.status).toBe('failed');
        expect(modification.syncError).toMatch(/503/);
        const [item] = await h.itemsOf(id);
        expect(item).toMatchObject({ status: 'failed', retryCount: 3 });
        expect(h.updates('PFA-10004')).toHaveLength(4);
      } finally {
        await refuse.remove();
      }
    });

    it("when not even that can be written, the item's lease is no longer renewed: it is taken back and sent again", async () => {
      h.simulator.setFaults({ statusShares: { 503: 0.1 }, latencyMs: 200, seed: seedFaultingOnlyFirst(0.1) });
      const refuse = await FailingQueueWrites.install((sql) => h.dataSource.query(sql), `OLD.status = 'processing' AND NEW.status = 'pending' AND OLD.pfa_id = 'PFA-10005'`, {
        message: 'nothing can be written',
      });
      const stuck = await h.edit('PFA-10005', { model: 'stuck for a while' });
      await h.queueOk();
      await waitUntil('the first attempt to fail', () => h.updates('PFA-10005').length === 1, 10_000);
      // A slow write keeps the run going meanwhile.
      h.simulator.setFaults({ latencyMs: 6000 });
      await h.putApiServer({ timeoutMs: 8000 }).expect(200);
      const slow = await h.edit('PFA-10006', { model: 'slow' });
      await h.queueOk({ modificationIds: [slow] });
      await sleep(300);
      const [{ locked_until: before }] = await h.dataSource.query(
        `SELECT locked_until FROM pfa_write_queue q JOIN pfa_modification m ON m.id = q.modification_id WHERE m.id = $1`,
        [stuck],
      );
      await sleep(2500);
      const [{ locked_until: after, status }] = await h.dataSource.query(`SELECT locked_until, q.status FROM pfa_write_queue q WHERE q.modification_id = $1`, [stuck]);
      expect(status).toBe('processing');
      expect(new Date(after).getTime()).toBe(new Date(before).getTime());

      await refuse.remove();
      h.simulator.clearFaults();
      await h.putApiServer({ timeoutMs: 1500 }).expect(200);
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      const [done] = await waitForModifications(h.dataSource, [stuck], ['synced', 'failed', 'conflict'], 20_000);
      expect(done.status).toBe('synced');
    }, 40_000);
  });

  it('5. a retry that falls due during a run is sent on time, not after an unrelated slow item', async () => {
    await h.putApiServer({ timeoutMs: 6000 }).expect(200);
    h.simulator.setFaults({ statusShares: { 503: 0.1 }, timeoutShare: 0.1, seed: seedForFaultSequence({ statusShares: { 503: 0.1 }, timeoutShare: 0.1 }, ['503', 'timeout']) });
    const retried = await h.edit('PFA-10007', { model: 'retried on time' });
    const machine = ForeignLoad.measure();
    await h.queueOk();
    await waitUntil('the first attempt to fail', async () => (await h.itemOf(retried)).retryCount === 1, 5000);
    const slow = await h.edit('PFA-10008', { model: 'never answered' });
    await h.queueOk({ modificationIds: [slow] });

    const [modification] = await waitForModifications(h.dataSource, [retried], undefined, 15_000);
    expect(modification.status).toBe('synced');
    const attempts = h.updates('PFA-10007');
    expect(attempts.map((entry) => entry.status)).toEqual([503, 200]);
    const wait = attempts[1].at - attempts[0].at;
    expect(wait).toBeGreaterThanOrEqual(1000);
    checkUnlessMachineBusy(machine, 'how late the retry was', () => expect(wait).toBeLessThanOrEqual(2000));
  }, 30_000);

  it('6. an old attempt cannot complete a newer claim of the same item, even by the same worker', async () => {
    await h.putApiServer({ timeoutMs: 5000 }).expect(200);
    h.simulator.setFaults({ latencyMs: 2000 });
    // Another organization's PEMS never answers: its write times out at 1.2 s, which makes the worker look at the queue again meanwhile.
    const held: Socket[] = [];
    const blackHole = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    try {
      const lisbon = await h.fixtures.organization('LIS');
      const lisbonPlanner = await h.fixtures.user('lisbon-planner', [[lisbon, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
      await connectToSimulator(h.testApp, lisbon, `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}/axis/restservices`, { timeoutMs: 1200 });
      const unanswered = await h.fixtures.record(lisbon, 'LIS-1');
      await h
        .http()
        .patch(`/api/pfa/${unanswered.id}`)
        .set(h.as(lisbonPlanner))
        .send({ changes: { model: 'never answered' } })
        .expect(201);

      // Each completion's answer (was the item still this attempt's?), as the worker gets it.
      const batcher = h.testApp.app.get(WriteCompletionBatcher);
      const completions: Array<{ leaseToken: string | null; done: boolean }> = [];
      const realComplete = batcher.complete.bind(batcher);
      const spy = jest.spyOn(batcher, 'complete').mockImplementation(async (completion) => {
        const done = await realComplete(completion);
        completions.push({ leaseToken: completion.item.leaseToken, done });
        return done;
      });
      const id = await h.edit('PFA-10009', { model: 'claimed twice' });
      await h.queueOk();
      await h.http().post('/api/pems/write-sync').set(h.as(lisbonPlanner)).send({ organizationId: lisbon.id }).expect(200);
      await waitUntil('the first attempt at PEMS', () => h.updates('PFA-10009').length === 1, 5000);
      await sleep(500);
      // Its renewals failed for a whole lease (say, a database failover): the lease ran out, the reaper took it back.
      const item = await h.itemOf(id);
      await h.dataSource.query(`UPDATE pfa_write_queue SET locked_until = now() - interval '1 second' WHERE id = $1`, [item.id]);
      expect(await h.testApp.app.get(WriteQueueService).reapExpiredLeases()).toBe(1);
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      await waitUntil('the second attempt at PEMS', () => h.updates('PFA-10009').length === 2, 5000);
      const [, secondAttempt] = h.updates('PFA-10009');

      // The first attempt's answer arrives while the second is still on its way: its completion must be refused.
      await waitUntil("the first attempt's completion", () => completions.length >= 1, 5000);
      expect(Date.now()).toBeLessThan(secondAttempt.at + 2000);
      expect(completions[0].done).toBe(false);
      expect((await h.itemOf(id)).status).toBe('processing');

      const [modification] = await waitForModifications(h.dataSource, [id]);
      spy.mockRestore();
      expect(modification.status).toBe('synced');
      expect(h.simulator.getRecord('RIO', 'PFA-10009')!.data.model).toBe('claimed twice');
    } finally {
      await h.quiesce();
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });

  it("a claim that met another instance's claim of the same items looks again: the items left behind them are sent without waiting for another trigger", async () => {
    // Each instance hears the NOTIFY and claims at once. The one whose claim comes second chooses
    // the same items (the first has not committed yet), finds them locked and passes them by: it
    // must not take "nothing claimed" for "nothing due", or the rest of the backlog waits for the
    // next cron tick. The other instance's claim is played here by a transaction holding the rows.
    const cron = h.testApp.app.get(SchedulerRegistry).getCronJob(WRITE_SYNC_JOB);
    await cron.stop();
    const { claims, stopWatching } = h.watchClaims();
    const otherInstance = new Client({ connectionString: process.env.DATABASE_URL, application_name: 'test-other-instance' });
    try {
      await h.holdServer();
      for (let index = 1; index <= 12; index += 1) await h.edit(`PFA-${10000 + index}`, { model: 'behind a claim that raced' });
      await h.queueOk();
      await otherInstance.connect();
      await otherInstance.query('BEGIN');
      const { rows: locked } = await otherInstance.query<{ id: string; modification_id: string; pfa_id: string }>(
        `SELECT id, modification_id, pfa_id FROM pfa_write_queue WHERE status = 'pending' ORDER BY seq FOR UPDATE`,
      );
      expect(locked).toHaveLength(12);
      await h.releaseServer();
      h.worker().trigger();
      await waitUntil('a claim that passed the held items by', () => claims.some((result) => result.items.length === 0 && result.passedOver > 0));
      // The other instance's claim commits: it took ten; two are left, due now.
      await otherInstance.query(
        `UPDATE pfa_write_queue SET status = 'processing', locked_by = 'other-instance', lease_token = gen_random_uuid(), locked_until = now() + interval '1 hour'
         WHERE id = ANY ($1::uuid[])`,
        [locked.slice(0, 10).map((row) => row.id)],
      );
      await otherInstance.query('COMMIT');

      const left = locked.slice(10);
      const modifications = await waitForModifications(
        h.dataSource,
        left.map((row) => row.modification_id),
        undefined,
        5_000,
      );
      expect(modifications.map((modification) => modification.status)).toEqual(['synced', 'synced']);
      expect(
        h
          .updates()
          .map((entry) => entry.pfaId)
          .sort(),
      ).toEqual(left.map((row) => row.pfa_id).sort());
    } finally {
      stopWatching();
      await otherInstance.end().catch(() => undefined);
      cron.start();
    }
  });

  describe('per-record order and lock order', () => {
    it('two write-sync requests that list different edits of one record, two instances: sent in the order they were made, never both in flight', async () => {
      second = await createTestApp(FAST_WRITE_SYNC_ENV);
      h.simulator.setFaults({ latencyMs: 1000 });
      const first = await h.edit('PFA-10010', { model: 'First' }, h.planner);
      const later = await h.edit('PFA-10010', { manufacturer: 'Second' }, h.colleague);
      // The first request draws its place in the queue, then waits (an uncommitted insert of the same modification holds it).
      const holder = await HeldLiveItemInsert.for(first);
      const firstQueued = h.queue({ modificationIds: [first] }).then((response) => response);
      expect(await waitForLockWaiters(1)).toBe(true);
      const laterQueued = h.queue({ modificationIds: [later] }).then((response) => response);
      await Promise.race([laterQueued, sleep(1000)]);
      await holder.rollBack();
      expect((await firstQueued).status).toBe(200);
      expect((await laterQueued).status).toBe(200);

      await waitForModifications(h.dataSource, [first, later]);
      const updates = h.updates('PFA-10010');
      expect(updates.map((entry) => Object.keys(entry.fields))).toEqual([['PFS_MODEL'], ['PFS_MANUFACTURER']]);
      // The second left only after the first's answer came back.
      expect(updates[1].at - updates[0].at).toBeGreaterThanOrEqual(1000);
      expect(h.simulator.getRecord('RIO', 'PFA-10010')!.data).toMatchObject({ model: 'First', manufacturer: 'Second' });
    });

    it('a discard and a claim of the same modification at the same moment: no deadlock, and a discarded edit is never sent', async () => {
      await h.holdServer();
      const id = await h.edit('PFA-10011', { model: 'discard me' });
      await h.queueOk();
      const held = await HeldRowLock.on('pfa_modification', id);
      const discarding = h
        .http()
        .delete(`/api/pfa/modifications/${id}`)
        .set(h.as())
        .then((response) => response);
      expect(await waitForLockWaiters(1)).toBe(true);
      await h.releaseServer();
      const { claims, stopWatching } = h.watchClaims();
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      // Its claim either queues behind the same lock, or passes the item by (and looks again later).
      await waitUntil('the claim to wait or pass', async () => (await lockWaiters()) >= 2 || claims.some((claim) => claim.passedOver > 0), 5000).finally(stopWatching);
      await held.release();

      const discarded = await discarding;
      expect([200, 409]).toContain(discarded.status);
      await h.worker().idle();
      const modification = await h.modification(id);
      if (discarded.status === 200) {
        expect(modification.status).toBe('discarded');
        expect(h.updates('PFA-10011')).toEqual([]);
      } else {
        await waitForModifications(h.dataSource, [id], ['synced']);
      }
      expect(errors.filter((line) => /deadlock/i.test(line))).toEqual([]);
    });

    it('a claim that fails mid-drain does not stop the renewal of the items in flight: they are not taken back and sent again while still on their way', async () => {
      await h.putApiServer({ timeoutMs: 8000 }).expect(200);
      await h.holdServer();
      const reapedBefore = h.worker().getStatus().totals.reaped;
      // An item that falls due in 1.5 s, and whose claim the database refuses.
      const refused = await h.edit('PFA-10030', { model: 'cannot be claimed' });
      await h.queueOk();
      await h.dataSource.query(`UPDATE pfa_write_queue SET scheduled_at = now() + interval '1.5 seconds' WHERE modification_id = $1`, [refused]);
      const refuseClaim = await FailingQueueWrites.install((sql) => h.dataSource.query(sql), `NEW.status = 'processing' AND OLD.status = 'pending' AND OLD.pfa_id = 'PFA-10030'`, {
        message: 'claim refused',
      });
      // Two writes PEMS never answers (they time out after 8 s), then 20 quick ones that keep the drain claiming.
      const faults = { timeoutShare: 0.1 };
      h.simulator.setFaults({ ...faults, seed: seedForFaultSequence(faults, ['timeout', 'timeout']) });
      const hanging = [await h.edit('PFA-10001', { model: 'hangs one' }), await h.edit('PFA-10002', { model: 'hangs two' })];
      const quick: string[] = [];
      for (let index = 3; index <= 22; index += 1) quick.push(await h.edit(`PFA-${10000 + index}`, { model: 'quick' }));
      await h.queueOk({ modificationIds: [...hanging, ...quick] });
      await h.releaseServer();
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      try {
        await waitForModifications(h.dataSource, quick, undefined, 15_000);
        // Past the first lease of the hanging writes: any instance's worker looks at the queue.
        await sleep(Math.max(0, h.updates('PFA-10001')[0].at + 4000 - Date.now()));
        await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
        await sleep(300);
      } finally {
        await refuseClaim.remove();
      }
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      await waitForModifications(h.dataSource, [...hanging, refused], undefined, 20_000);
      for (const pfaId of ['PFA-10001', 'PFA-10002']) {
        const attempts = h.updates(pfaId);
        // A second attempt only after the first one ended (its 8 s timeout), never while it was still on its way.
        if (attempts.length > 1) expect(attempts[1].at).toBeGreaterThanOrEqual(attempts[0].at + 8000);
      }
      expect(h.worker().getStatus().totals.reaped - reapedBefore).toBe(0);
    }, 60_000);
  });

  it('a success of a write sent before PEMS rejected the credentials does not end the pause (two instances)', async () => {
    second = await createTestApp(FAST_WRITE_SYNC_ENV);
    h.simulator.setFaults({ latencyMs: 1000 });
    const early = await h.edit('PFA-10015', { model: 'sent before the 401' });
    await h.queueOk();
    await waitUntil('the early write at PEMS', () => h.updates('PFA-10015').length === 1, 5000);
    await sleep(150); // PEMS has read it and is working on it (the latency), with the credentials it had
    // The credentials stop working while that write is on its way.
    h.simulator.setFaults({ unauthorizedForMs: 60_000 });
    const refused = await h.edit('PFA-10016', { model: 'meets the 401' });
    await h.queueOk({ modificationIds: [refused] });
    await waitForModifications(h.dataSource, [refused], ['failed']);
    // The early write's success comes back now (the latency was fixed when it arrived).
    await waitForModifications(h.dataSource, [early], ['synced']);
    const [server] = await h.dataSource.query(`SELECT auth_failed_at FROM api_servers WHERE organization_id = $1`, [h.rio.id]);
    expect(server.auth_failed_at).not.toBeNull();
    const waiting = await h.edit('PFA-10017', { model: 'waits for new credentials' });
    await h.queueOk({ modificationIds: [waiting] });
    await sleep(1000);
    expect(h.updates('PFA-10017')).toEqual([]);
    expect((await h.syncStatus().expect(200)).body.health).toBe('unhealthy');
  });

  it('a write PEMS took, whose completion could not be recorded, is not counted as a failed attempt: it completes', async () => {
    await h.holdServer();
    const id = await h.edit('PFA-10018', { model: 'taken by PEMS' });
    await h.queueOk();
    await h.dataSource.query(`UPDATE pfa_write_queue SET max_retries = 0 WHERE modification_id = $1`, [id]);
    const refuseOnce = await FailingQueueWrites.install((sql) => h.dataSource.query(sql), `NEW.status = 'completed'`, { message: 'the completion could not be written', times: 1 });
    try {
      await h.releaseServer();
      await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);
      const [modification] = await waitForModifications(h.dataSource, [id], undefined, 15_000);
      expect(modification.status).toBe('synced');
      expect(h.simulator.getRecord('RIO', 'PFA-10018')!.data.model).toBe('taken by PEMS');
      expect((await h.itemOf(id)).status).toBe('completed');
    } finally {
      await refuseOnce.remove();
    }
  });

  it('a write PEMS took on its sixth send (its answer lost), after five resends on a record that kept moving, completes: the read-back is never skipped', async () => {
    const client = h.testApp.app.get(PemsClient);
    const realUpdate = client.updateRecord.bind(client);
    let sends = 0;
    const update = jest.spyOn(client, 'updateRecord').mockImplementation(async (...args) => {
      sends += 1;
      if (sends <= 5) {
        // Another PEMS user changes a field we do not touch just before each of our first five sends.
        h.simulator.changeRecord('RIO', 'PFA-10019', { manufacturer: `Other user, edit ${sends}` });
      }
      if (sends === 6) {
        // The fifth resend: PEMS applies it, and its answer is lost on the way back.
        h.simulator.setFaults({ lostResponseShare: 1 });
        try {
          return await realUpdate(...args);
        } finally {
          h.simulator.clearFaults();
        }
      }
      return realUpdate(...args);
    });
    try {
      const id = await h.edit('PFA-10019', { model: 'Ours, finally' });
      await h.queueOk();
      const [modification] = await waitForModifications(h.dataSource, [id], undefined, 20_000);
      expect(modification.status).toBe('synced');
      expect(h.simulator.getRecord('RIO', 'PFA-10019')!.data).toMatchObject({ model: 'Ours, finally', manufacturer: 'Other user, edit 5' });
      // The sixth send was applied (its answer lost): the send after it met a 409, and the read-back found our value.
      expect(h.updates('PFA-10019').filter((entry) => entry.status === 200)).toEqual([]);
    } finally {
      update.mockRestore();
    }
  });
});
