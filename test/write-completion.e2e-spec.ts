import { returningRows } from '../src/database/returning-rows';
import { PfaRecordHistory } from '../src/pfa/entities/pfa-record-history.entity';
import { WriteCompletionBatcher } from '../src/write-sync/write-completion.batcher';
import { WriteSyncHarness, pfaIds } from './support/write-sync-harness';

/**
 * Successful writes are completed in groups (WriteCompletionBatcher). A group is one
 * transaction, but each of its completions stays conditional on its own lease: an item that
 * another worker took over is left alone, and only its own modification and mirror row stay
 * as they were.
 */
describe('write sync: completions in groups (e2e)', () => {
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset(10);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('completions that arrive together commit together; one whose lease was taken over is refused alone', async () => {
    await h.holdServer();
    const ids: string[] = [];
    for (const pfaId of pfaIds(5)) ids.push(await h.edit(pfaId, { model: `${pfaId} grouped` }));
    await h.queueOk();
    const items = await Promise.all(ids.map((id) => h.itemOf(id)));
    const records = await Promise.all(pfaIds(5).map((pfaId) => h.recordOf(pfaId)));
    // Four items are this worker's; the last was taken over by another worker after a stall.
    const claims = await returningRows<{ id: string; lease_token: string }>(
      h.dataSource,
      `UPDATE pfa_write_queue SET status = 'processing', locked_by = 'this-worker', lease_token = gen_random_uuid(), locked_until = now() + interval '1 minute'
       WHERE id = ANY($1::uuid[]) RETURNING id, lease_token`,
      [items.map((item) => item.id)],
    );
    for (const item of items) item.leaseToken = claims.find((claim) => claim.id === item.id)!.lease_token;
    await h.dataSource.query(`UPDATE pfa_write_queue SET locked_by = 'another-worker', lease_token = gen_random_uuid() WHERE id = $1`, [items[4].id]);
    await h.dataSource.query(`UPDATE pfa_modification SET status = 'syncing' WHERE id = ANY($1::uuid[])`, [ids]);
    const historyBefore = await h.dataSource.getRepository(PfaRecordHistory).count();

    const batcher = h.testApp.app.get(WriteCompletionBatcher);
    const transactions = jest.spyOn(h.dataSource, 'transaction');
    const answered = await Promise.all(
      items.map((item, index) =>
        batcher.complete({
          item,
          statusCode: 200,
          stored: { pfaId: item.pfaId, version: records[index].version + 1, data: { ...records[index].data, model: `${item.pfaId} grouped` }, lastModified: null },
        }),
      ),
    );

    expect(answered).toEqual([true, true, true, true, false]);
    // The first went alone; the four that arrived while it was on its way went as one group.
    expect(transactions).toHaveBeenCalledTimes(2);
    transactions.mockRestore();
    const modifications = await Promise.all(ids.map((id) => h.modification(id)));
    expect(modifications.map((modification) => modification.status)).toEqual(['synced', 'synced', 'synced', 'synced', 'syncing']);
    expect(modifications[0].syncedAt).toBeInstanceOf(Date);
    const after = await Promise.all(items.map((item) => h.itemOf(item.modificationId)));
    expect(after.map((item) => [item.status, item.lockedBy, item.lastStatusCode])).toEqual([
      ['completed', null, 200],
      ['completed', null, 200],
      ['completed', null, 200],
      ['completed', null, 200],
      ['processing', 'another-worker', null],
    ]);
    const mirror = await Promise.all(pfaIds(5).map((pfaId) => h.recordOf(pfaId)));
    expect(mirror.map((record, index) => record.version - records[index].version)).toEqual([1, 1, 1, 1, 0]);
    expect(mirror[0].data.model).toBe('PFA-10001 grouped');
    expect(await h.dataSource.getRepository(PfaRecordHistory).count()).toBe(historyBefore + 4);
    // The 24-hour figures count the four.
    expect((await h.syncStatus().expect(200)).body).toMatchObject({ completed: 4, processing: 1 });
  });
});
