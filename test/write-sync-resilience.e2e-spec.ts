import { setTimeout as sleep } from 'node:timers/promises';
import { PfaSyncConflict } from '../src/conflicts/entities/pfa-sync-conflict.entity';
import { WriteSyncWorker } from '../src/write-sync/write-sync.worker';
import { ForeignLoad, checkUnlessMachineBusy } from './support/machine-load';
import { connectToSimulator, expectWithinRateLimit } from './support/pems-simulator-fixture';
import { TestApp, createTestApp } from './support/test-app';
import { waitForModifications } from './support/write-sync-helpers';
import { FAST_WRITE_SYNC_ENV, WriteSyncHarness, pfaIds, seedFaultingOnlyFirst, waitUntil } from './support/write-sync-harness';

/**
 * SPEC §7 and §9 under stress: a worker that died mid-send, two instances on one database,
 * a large backlog at the rate limit, and the order of one record's edits.
 */
describe('write sync: resilience (e2e)', () => {
  let h: WriteSyncHarness;
  let second: TestApp | undefined;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset(45);
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

  describe('a worker that died while sending', () => {
    /** Queues an edit of PFA-10001 and leaves its item as a dead worker would: processing, lease run out, one retry already used. */
    async function itemLeftByDeadWorker(model: string) {
      await h.holdServer();
      const modificationId = await h.edit('PFA-10001', { model });
      await h.queueOk();
      const item = await h.itemOf(modificationId);
      await h.dataSource.query(
        `UPDATE pfa_write_queue SET status = 'processing', locked_by = 'dead', locked_until = now() - interval '1 second',
                last_attempt_at = now() - interval '10 seconds', retry_count = 1, scheduled_at = now() - interval '20 seconds'
         WHERE id = $1`,
        [item.id],
      );
      await h.dataSource.query(`UPDATE pfa_modification SET status = 'syncing' WHERE id = $1`, [modificationId]);
      await h.releaseServer();
      return { modificationId, itemId: item.id };
    }

    /** Someone queues an unrelated edit: every worker wakes up. */
    async function somethingElseQueued(): Promise<string> {
      const id = await h.edit('PFA-10040', { model: 'unrelated' });
      await h.queueOk();
      return id;
    }

    it('its item is taken back and synced, without losing a retry', async () => {
      const base = await h.recordOf('PFA-10001');
      const { modificationId, itemId } = await itemLeftByDeadWorker('after the crash');
      const other = await somethingElseQueued();

      const modifications = await waitForModifications(h.dataSource, [modificationId, other]);
      expect(modifications.map((modification) => modification.status)).toEqual(['synced', 'synced']);
      const item = await h.itemOf(modificationId);
      expect(item).toMatchObject({ id: itemId, status: 'completed', retryCount: 1, lockedBy: null });
      expect(h.updates('PFA-10001').map((entry) => [entry.recordid, entry.status])).toEqual([[base.version, 200]]);
      expect(h.simulator.getRecord('RIO', 'PFA-10001')!.data.model).toBe('after the crash');
    });

    it("when PEMS had already applied the dead worker's write: completed with no false conflict, applied once", async () => {
      const base = await h.recordOf('PFA-10001');
      const { modificationId } = await itemLeftByDeadWorker('landed before the crash');
      // The dead worker's UPDATE reached PEMS; its answer never came back.
      h.simulator.changeRecord('RIO', 'PFA-10001', { model: 'landed before the crash' });
      h.simulator.clearLog();
      await somethingElseQueued();

      const [modification] = await waitForModifications(h.dataSource, [modificationId]);
      expect(modification.status).toBe('synced');
      expect(await h.dataSource.getRepository(PfaSyncConflict).count()).toBe(0);
      expect(await h.itemOf(modificationId)).toMatchObject({ status: 'completed', retryCount: 1 });
      expect(h.updates('PFA-10001').filter((entry) => entry.status === 200)).toEqual([]);
      expect(h.simulator.getRecord('RIO', 'PFA-10001')!.recordid).toBe(base.version + 1);
      const mirror = await h.recordOf('PFA-10001');
      expect(mirror.version).toBe(base.version + 1);
      expect(mirror.data.model).toBe('landed before the crash');
    });

    it('an item whose lease is still running (its worker is alive) is left alone', async () => {
      await h.holdServer();
      const modificationId = await h.edit('PFA-10002', { model: 'still being sent elsewhere' });
      await h.queueOk();
      const item = await h.itemOf(modificationId);
      await h.dataSource.query(`UPDATE pfa_write_queue SET status = 'processing', locked_by = 'alive', locked_until = now() + interval '1 hour' WHERE id = $1`, [item.id]);
      await h.releaseServer();
      const other = await somethingElseQueued();

      await waitForModifications(h.dataSource, [other], ['synced']);
      await h.worker().idle();
      expect(await h.itemOf(modificationId)).toMatchObject({ status: 'processing', lockedBy: 'alive' });
      expect(h.updates('PFA-10002')).toEqual([]);
    });
  });

  it('two instances on one database drain 40 items: each sent once, never above 10 per second, all synced', async () => {
    second = await createTestApp(FAST_WRITE_SYNC_ENV);
    // The new instance is up once its first run (the one every instance makes at boot) is over: a
    // backlog queued during that run could be claimed by the first instance alone before it looks.
    await second.app.get(WriteSyncWorker).idle();
    const ids: string[] = [];
    for (const pfaId of pfaIds(40)) ids.push(await h.edit(pfaId, { model: `${pfaId} twice?` }));
    const claimedBefore = [h.worker().getStatus().totals.claimed, second.app.get(WriteSyncWorker).getStatus().totals.claimed];
    await h.queueOk();

    const modifications = await waitForModifications(h.dataSource, ids, undefined, 20_000);
    expect(modifications.every((modification) => modification.status === 'synced')).toBe(true);
    const updates = h.updates();
    expect(updates).toHaveLength(40);
    expect(updates.every((entry) => entry.status === 200)).toBe(true);
    expect(new Set(updates.map((entry) => entry.pfaId)).size).toBe(40);
    expectWithinRateLimit(h.simulator.getLog(), 10, 'two instances');
    for (const pfaId of pfaIds(40)) expect(h.simulator.getRecord('RIO', pfaId)!.data.model).toBe(`${pfaId} twice?`);
    // Both instances took part.
    const claimed = [h.worker().getStatus().totals.claimed - claimedBefore[0], second.app.get(WriteSyncWorker).getStatus().totals.claimed - claimedBefore[1]];
    expect(claimed[0] + claimed[1]).toBe(40);
    expect(Math.min(...claimed)).toBeGreaterThan(0);
  });

  it('two organizations on one PEMS tenant share its rate limit: never above 10 per second together, all synced', async () => {
    const lisbon = await h.fixtures.organization('LIS');
    const lisbonPlanner = await h.fixtures.user('lisbon-planner', [[lisbon, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
    h.simulator.seed('LIS', 15, { seed: 5 });
    await connectToSimulator(h.testApp, lisbon, h.baseUrl);
    await h.http().post('/api/pems/read-sync').set(h.as(lisbonPlanner)).send({ organizationId: lisbon.id }).expect(200);
    h.simulator.clearLog();

    const ids: string[] = [];
    for (const pfaId of pfaIds(15)) ids.push(await h.edit(pfaId, { model: `${pfaId} RIO` }));
    const lisbonRecords: Array<{ id: string; pfa_id: string }> = await h.dataSource.query('SELECT id, pfa_id FROM pfa_records WHERE organization_id = $1', [lisbon.id]);
    for (const record of lisbonRecords) {
      const response = await h
        .http()
        .patch(`/api/pfa/${record.id}`)
        .set(h.as(lisbonPlanner))
        .send({ changes: { model: `${record.pfa_id} LIS` } })
        .expect(201);
      ids.push(response.body.id);
    }
    await Promise.all([h.queueOk(), h.http().post('/api/pems/write-sync').set(h.as(lisbonPlanner)).send({ organizationId: lisbon.id }).expect(200)]);

    const modifications = await waitForModifications(h.dataSource, ids, undefined, 20_000);
    expect(modifications.every((modification) => modification.status === 'synced')).toBe(true);
    const log = h.simulator.getLog();
    expect(log.filter((entry) => entry.action === 'UPDATE' && entry.status === 200)).toHaveLength(30);
    expect(new Set(log.map((entry) => entry.organization))).toEqual(new Set(['RIO', 'LIS']));
    expectWithinRateLimit(log, 10, 'two organizations on one tenant');
    expect(h.simulator.getRecord('LIS', lisbonRecords[0].pfa_id)!.data.model).toBe(`${lisbonRecords[0].pfa_id} LIS`);
  });

  it('PEMS slower than the lease: items in flight keep their lease, so another instance never sends them a second time', async () => {
    await h.putApiServer({ timeoutMs: 8000 }).expect(200);
    h.simulator.setFaults({ latencyMs: 4000 }); // each answer takes longer than the 3 s lease
    const ids: string[] = [];
    for (const pfaId of pfaIds(3)) ids.push(await h.edit(pfaId, { model: `${pfaId} slow` }));
    const queuedAt = Date.now();
    await h.queueOk();
    await waitUntil('all three in flight', async () => (await h.dataSource.query(`SELECT 1 FROM pfa_write_queue WHERE status = 'processing'`)).length === 3);

    // A second instance starts while they are in flight, and looks at the queue again once their first lease would have run out.
    second = await createTestApp(FAST_WRITE_SYNC_ENV);
    await sleep(Math.max(0, queuedAt + 3500 - Date.now()));
    h.simulator.clearFaults();
    await h.dataSource.query(`SELECT pg_notify('pems_write_queue', $1)`, [h.rio.id]);

    const modifications = await waitForModifications(h.dataSource, ids, undefined, 15_000);
    expect(modifications.every((modification) => modification.status === 'synced')).toBe(true);
    expect(
      h
        .updates()
        .map((entry) => entry.pfaId)
        .sort(),
    ).toEqual(pfaIds(3));
    expect(second.app.get(WriteSyncWorker).getStatus().totals.reaped).toBe(0);
    for (const id of ids) expect(await h.itemOf(id)).toMatchObject({ status: 'completed', retryCount: 0 });
  });

  it('a backlog of 300 drains at >= 95 % of the rate limit and never above it in any second', async () => {
    await h.reset(300);
    await h.dataSource.query(
      `INSERT INTO pfa_modification (organization_id, record_id, user_id, changes, base_values, base_version, status)
       SELECT organization_id, id, $2, jsonb_build_object('model', pfa_id || ' bulk'), jsonb_build_object('model', data->'model'), version, 'pending'
       FROM pfa_records WHERE organization_id = $1`,
      [h.rio.id, h.planner.user.id],
    );
    const ids: string[] = (await h.dataSource.query('SELECT id FROM pfa_modification')).map((row: { id: string }) => row.id);
    expect(ids).toHaveLength(300);
    const machine = ForeignLoad.measure();
    expect((await h.queueOk()).queuedCount).toBe(300);

    const modifications = await waitForModifications(h.dataSource, ids, undefined, 45_000);
    expect(modifications.filter((modification) => modification.status !== 'synced')).toEqual([]);
    const updates = h.updates();
    expect(updates).toHaveLength(300);
    expect(updates.filter((entry) => entry.status !== 200)).toEqual([]);
    const elapsedSeconds = (updates[299].at - updates[0].at) / 1000;
    const rate = 299 / elapsedSeconds;
    process.stdout.write(`\nBacklog of 300: drained at ${rate.toFixed(2)}/s (${((rate / 10) * 100).toFixed(1)} % of the limit)\n`);
    // SPEC §9's promise: a backlog receives at least 95 % of the limit. The bench (`npm run bench`,
    // drain phase) measures how close it comes to the 99 % aimed at: here, on a 2-core machine
    // shared with the rest of the suite, one stall of 0.4 s costs a 300-item drain more than 1 %
    // (CI saw 97.9 % to 99.2 % on one machine), so a stricter bar would judge the machine.
    checkUnlessMachineBusy(machine, 'the drain rate of the 300-item backlog', () => expect(rate).toBeGreaterThanOrEqual(9.5));
    expectWithinRateLimit(h.simulator.getLog(), 10, 'the 300-item backlog');
  }, 60_000);

  describe('per-record order', () => {
    it("two people's edits of one record queued together are sent in their order, the second on the recordid the first produced", async () => {
      const base = await h.recordOf('PFA-10001');
      h.simulator.setFaults({ latencyMs: 300 });
      const first = await h.edit('PFA-10001', { model: 'First' }, h.planner);
      const second = await h.edit('PFA-10001', { manufacturer: 'Second' }, h.colleague);
      await h.queueOk();

      const modifications = await waitForModifications(h.dataSource, [first, second]);
      expect(modifications.map((modification) => modification.status)).toEqual(['synced', 'synced']);
      const updates = h.updates('PFA-10001');
      expect(updates.map((entry) => [Object.keys(entry.fields), entry.recordid, entry.status])).toEqual([
        [['PFS_MODEL'], base.version, 200],
        [['PFS_MANUFACTURER'], base.version + 1, 200],
      ]);
      // The second left only after the first's answer came back.
      expect(updates[1].at - updates[0].at).toBeGreaterThanOrEqual(300);
      expect(h.simulator.getRecord('RIO', 'PFA-10001')!.data).toMatchObject({ model: 'First', manufacturer: 'Second' });
      expect(await h.dataSource.getRepository(PfaSyncConflict).count()).toBe(0);
    });

    it('the same field edited by two people: the later value ends in PEMS, with no conflict', async () => {
      const base = await h.recordOf('PFA-10002');
      const first = await h.edit('PFA-10002', { model: 'Planner says' }, h.planner);
      const second = await h.edit('PFA-10002', { model: 'Colleague says' }, h.colleague);
      await h.queueOk();

      const modifications = await waitForModifications(h.dataSource, [first, second]);
      expect(modifications.map((modification) => modification.status)).toEqual(['synced', 'synced']);
      expect(h.updates('PFA-10002').map((entry) => [entry.fields.PFS_MODEL, entry.recordid, entry.status])).toEqual([
        [{ TEXTDATA: 'Planner says' }, base.version, 200],
        [{ TEXTDATA: 'Colleague says' }, base.version + 1, 200],
      ]);
      expect(h.simulator.getRecord('RIO', 'PFA-10002')!.data.model).toBe('Colleague says');
      expect((await h.recordOf('PFA-10002')).data.model).toBe('Colleague says');
    });

    it('a later edit waits while the earlier one waits for its retry', async () => {
      h.simulator.setFaults({ statusShares: { 503: 0.1 }, seed: seedFaultingOnlyFirst(0.1) });
      const first = await h.edit('PFA-10003', { model: 'First, retried' }, h.planner);
      const second = await h.edit('PFA-10003', { manufacturer: 'Second, waits' }, h.colleague);
      await h.queueOk();

      await waitForModifications(h.dataSource, [first, second]);
      expect(h.updates('PFA-10003').map((entry) => [Object.keys(entry.fields), entry.status])).toEqual([
        [['PFS_MODEL'], 503],
        [['PFS_MODEL'], 200],
        [['PFS_MANUFACTURER'], 200],
      ]);
      expect(h.simulator.getRecord('RIO', 'PFA-10003')!.data).toMatchObject({ model: 'First, retried', manufacturer: 'Second, waits' });
    });
  });
});
