import { setTimeout as sleep } from 'node:timers/promises';
import { PfaSyncConflict } from '../src/conflicts/entities/pfa-sync-conflict.entity';
import { waitForModifications } from './support/write-sync-helpers';
import { SIM_CREDENTIALS, SIM_TENANT, WriteSyncHarness, pfaIds, seedFaultingOnlyFirst, waitUntil } from './support/write-sync-harness';

/**
 * Each error class of PEMS_CONTRACT.md, and what a user sees come of it: retried and synced,
 * failed with its reason, the server paused, or conflict handling.
 * Retry delays are 1 s, 2 s, 3 s; a PEMS call times out after 1.5 s; a credential pause lasts 3 s.
 */
describe('write sync: PEMS errors (e2e)', () => {
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset();
  });
  afterAll(async () => {
    await h.stop();
  });

  describe('retryable: retried, then synced', () => {
    it.each([500, 502, 503, 504] as const)('%i on the first attempt: retried after the delay, then synced', async (status) => {
      h.simulator.setFaults({ statusShares: { [status]: 0.2 }, seed: seedFaultingOnlyFirst(0.2) });
      const id = await h.edit('PFA-10001', { model: `after ${status}` });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [id]);
      expect(modification).toMatchObject({ status: 'synced', syncError: null });
      const updates = h.updates('PFA-10001');
      expect(updates.map((entry) => entry.status)).toEqual([status, 200]);
      expect(updates[1].at - updates[0].at).toBeGreaterThanOrEqual(1000);
      expect(h.simulator.getRecord('RIO', 'PFA-10001')!.data.model).toBe(`after ${status}`);
      const item = await h.itemOf(id);
      expect(item).toMatchObject({ status: 'completed', retryCount: 1, lastStatusCode: 200 });
    });

    it('a timeout (PEMS never answers): retried after the timeout and the delay, then synced', async () => {
      h.simulator.setFaults({ timeoutShare: 0.2, seed: seedFaultingOnlyFirst(0.2) });
      const id = await h.edit('PFA-10002', { model: 'after a timeout' });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [id]);
      expect(modification.status).toBe('synced');
      const updates = h.updates('PFA-10002');
      expect(updates.map((entry) => entry.fault ?? entry.status)).toEqual(['timeout', 200]);
      // 1.5 s timeout, then the 1 s delay.
      expect(updates[1].at - updates[0].at).toBeGreaterThanOrEqual(2500);
      expect(h.simulator.getRecord('RIO', 'PFA-10002')!.data.model).toBe('after a timeout');
      expect(await h.itemOf(id)).toMatchObject({ status: 'completed', retryCount: 1 });
    });

    it('a dropped connection: retried, then synced', async () => {
      h.simulator.setFaults({ dropConnectionShare: 0.2, seed: seedFaultingOnlyFirst(0.2) });
      const id = await h.edit('PFA-10003', { model: 'after a drop' });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [id]);
      expect(modification.status).toBe('synced');
      expect(h.updates('PFA-10003').map((entry) => entry.fault ?? entry.status)).toEqual(['dropped', 200]);
      expect(await h.itemOf(id)).toMatchObject({ status: 'completed', retryCount: 1 });
    });

    it('keeps failing: failed after the 3rd retry, with its reason in sync_error and last_error', async () => {
      h.simulator.setFaults({ dropConnectionShare: 1 });
      const id = await h.edit('PFA-10004', { model: 'never arrives' });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [id], ['failed', 'synced', 'conflict'], 20_000);
      expect(modification.status).toBe('failed');
      expect(h.updates('PFA-10004')).toHaveLength(4);
      const item = await h.itemOf(id);
      expect(item).toMatchObject({ status: 'failed', retryCount: 3, lastStatusCode: null });
      expect(item.lastError).toMatch(/PFA-10004/);
      expect(item.lastError).toMatch(/socket hang up|connection reset|network/i);
      expect(item.lastError).toMatch(/3 retries/);
      expect(modification.syncError).toBe(item.lastError);
      // The record in PEMS is untouched.
      expect(h.simulator.getRecord('RIO', 'PFA-10004')!.data.model).not.toBe('never arrives');
    });
  });

  describe('429 Too Many Requests', () => {
    const RETRY_AFTER_S = 3;
    /** Requests that reached PEMS after the 429 and before Retry-After ran out (one already on its way, within 50 ms, is forgiven). */
    function sentDuringPause(refusedAt: number) {
      return h.simulator
        .getLog()
        .filter((entry) => entry.at > refusedAt + 50 && entry.at < refusedAt + RETRY_AFTER_S * 1000)
        .map((entry) => `${entry.action} ${entry.pfaId} at +${Math.round(entry.at - refusedAt)} ms`);
    }

    it('the refused write is retried no earlier than Retry-After, and writes queued meanwhile wait for the pause to end', async () => {
      h.simulator.setFaults({ statusShares: { 429: 0.1 }, retryAfterSeconds: RETRY_AFTER_S, seed: seedFaultingOnlyFirst(0.1) });
      const refusedId = await h.edit('PFA-10001', { model: 'after 429' });
      await h.queueOk();
      const refusal = await waitUntil('the 429', () => h.updates().find((entry) => entry.status === 429));
      await waitUntil('the retry to be scheduled', async () => (await h.itemOf(refusedId)).retryCount === 1);

      const later: string[] = [];
      for (const pfaId of pfaIds(4, 1)) later.push(await h.edit(pfaId, { model: `${pfaId} queued during the pause` }));
      await h.queueOk();

      const modifications = await waitForModifications(h.dataSource, [refusedId, ...later], undefined, 15_000);
      expect(modifications.every((modification) => modification.status === 'synced')).toBe(true);
      expect(sentDuringPause(refusal.at)).toEqual([]);
      const retried = h.updates('PFA-10001');
      expect(retried.map((entry) => entry.status)).toEqual([429, 200]);
      expect(retried[1].at - refusal.at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
      expect(await h.itemOf(refusedId)).toMatchObject({ status: 'completed', retryCount: 1 });
    });

    it('the whole tenant pauses: writes already waiting for their send slot when the 429 came do not go out during the pause either', async () => {
      h.simulator.setFaults({ statusShares: { 429: 0.1 }, retryAfterSeconds: RETRY_AFTER_S, seed: seedFaultingOnlyFirst(0.1) });
      const ids: string[] = [];
      for (const pfaId of pfaIds(5)) ids.push(await h.edit(pfaId, { model: `${pfaId} after 429` }));
      await h.queueOk();

      const modifications = await waitForModifications(h.dataSource, ids, undefined, 15_000);
      expect(modifications.every((modification) => modification.status === 'synced')).toBe(true);
      const refused = h.updates().filter((entry) => entry.status === 429);
      expect(refused).toHaveLength(1);
      expect(sentDuringPause(refused[0].at)).toEqual([]);
    });
  });

  describe('not retryable: failed at once with the reason', () => {
    it('400 (PEMS refuses a field): failed, not retried', async () => {
      // PEMS's screen was reconfigured: it no longer knows the field name we send for model.
      h.simulator.setFieldMap({ model: 'PFS_MODEL_V2' });
      const id = await h.edit('PFA-10005', { model: 'refused' });
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [id]);
      expect(modification.status).toBe('failed');
      await sleep(1500); // longer than the first retry delay: no second attempt comes
      expect(h.updates('PFA-10005').map((entry) => entry.status)).toEqual([400]);
      const item = await h.itemOf(id);
      expect(item).toMatchObject({ status: 'failed', retryCount: 0, lastStatusCode: 400 });
      expect(item.lastError).toMatch(/UnknownField/);
      expect((await h.modification(id)).syncError).toMatch(/UnknownField/);
    });

    it('403 (not allowed): failed, not retried, and the server is not paused', async () => {
      h.simulator.setFaults({ statusShares: { 403: 0.2 }, seed: seedFaultingOnlyFirst(0.2) });
      const refusedId = await h.edit('PFA-10006', { model: 'forbidden' });
      await h.queueOk();
      const [refused] = await waitForModifications(h.dataSource, [refusedId]);
      expect(refused.status).toBe('failed');
      expect(refused.syncError).toMatch(/403/);

      // The next write of the organization goes out at once: no pause.
      const nextId = await h.edit('PFA-10007', { model: 'allowed' });
      await h.queueOk();
      const [next] = await waitForModifications(h.dataSource, [nextId], undefined, 3000);
      expect(next.status).toBe('synced');
      await sleep(1200);
      expect(h.updates('PFA-10006').map((entry) => entry.status)).toEqual([403]);
      expect(await h.itemOf(refusedId)).toMatchObject({ status: 'failed', retryCount: 0, lastStatusCode: 403 });
      const status = await h.syncStatus().expect(200);
      expect(JSON.stringify(status.body.healthReasons ?? [])).not.toMatch(/credentials/i);
    });

    it('404 (the record was deleted in PEMS): failed, not retried', async () => {
      const id = await h.edit('PFA-10008', { model: 'too late' });
      h.simulator.deleteRecord('RIO', 'PFA-10008');
      await h.queueOk();

      const [modification] = await waitForModifications(h.dataSource, [id]);
      expect(modification.status).toBe('failed');
      expect(modification.syncError).toMatch(/404/);
      expect(modification.syncError).toMatch(/RecordNotFound|does not exist/);
      await sleep(1200);
      expect(h.updates('PFA-10008').map((entry) => entry.status)).toEqual([404]);
      expect(await h.itemOf(id)).toMatchObject({ status: 'failed', retryCount: 0, lastStatusCode: 404 });
    });
  });

  describe('401: credentials rejected', () => {
    function rotatePemsPassword() {
      // PEMS's password was changed; the server still has the old one.
      h.simulator.setCredentials(SIM_TENANT, { username: SIM_CREDENTIALS.username, password: 'rotated-password' });
    }
    const pendingItems = async (): Promise<number> => (await h.dataSource.query(`SELECT count(*)::int AS count FROM pfa_write_queue WHERE status = 'pending'`))[0].count;
    const refusals = () => h.updates().filter((entry) => entry.status === 401);

    /** One write refused with 401 (the server pauses), then `more` writes queued behind it. */
    async function refusedThenBacklog(more: number): Promise<{ refusedId: string; backlog: string[] }> {
      rotatePemsPassword();
      const refusedId = await h.edit('PFA-10001', { model: 'refused' });
      await h.queueOk();
      const [refused] = await waitForModifications(h.dataSource, [refusedId]);
      expect(refused.status).toBe('failed');
      expect(refused.syncError).toMatch(/^CREDENTIALS_REJECTED/);
      const backlog: string[] = [];
      for (const pfaId of pfaIds(more, 1)) backlog.push(await h.edit(pfaId, { model: `${pfaId} waits` }));
      expect((await h.queueOk()).queuedCount).toBe(more);
      return { refusedId, backlog };
    }

    it('the backlog queued together with the refused write is not burnt: it waits, and sync-status says unhealthy', async () => {
      rotatePemsPassword();
      const ids: string[] = [];
      for (const pfaId of pfaIds(20)) ids.push(await h.edit(pfaId, { model: `${pfaId} v2` }));
      await h.queueOk();

      await waitUntil('a credentials-rejected failure', async () => (await h.dataSource.query(`SELECT 1 FROM pfa_modification WHERE status = 'failed'`)).length > 0);
      await sleep(1500); // every item claimed with the first has had its slot by now
      const status = await h.syncStatus().expect(200);
      expect(status.body.health).toBe('unhealthy');
      expect(JSON.stringify(status.body.healthReasons)).toMatch(/credentials/i);
      expect(JSON.stringify(status.body)).not.toContain('rotated-password');
      expect(JSON.stringify(status.body)).not.toContain(SIM_CREDENTIALS.password);

      const failed: Array<{ pfa_id: string; sync_error: string }> = await h.dataSource.query(
        `SELECT r.pfa_id, m.sync_error FROM pfa_modification m JOIN pfa_records r ON r.id = m.record_id WHERE m.status = 'failed' ORDER BY r.pfa_id`,
      );
      for (const row of failed) expect(row.sync_error).toMatch(/^CREDENTIALS_REJECTED/);
      expect(refusals()).toHaveLength(failed.length);
      // After PEMS has refused the credentials once, no further write is thrown at it: the rest wait.
      expect(failed.map((row) => row.pfa_id)).toHaveLength(1);
      expect(await pendingItems()).toBe(19);
    });

    it('after PEMS_AUTH_PAUSE_MS one probe goes alone; when it succeeds the rest follow and health recovers', async () => {
      const { backlog } = await refusedThenBacklog(10);
      const status = await h.syncStatus().expect(200);
      expect(status.body).toMatchObject({ health: 'unhealthy', totalQueued: 10 });
      expect(JSON.stringify(status.body.healthReasons)).toMatch(/credentials/i);

      // PEMS accepts the old password again (the change was rolled back). It answers slowly, so a send made alongside the probe would show.
      h.simulator.setCredentials(SIM_TENANT, SIM_CREDENTIALS);
      h.simulator.setFaults({ latencyMs: 300 });
      await waitForModifications(h.dataSource, backlog, ['synced'], 15_000);

      const [refusal] = refusals();
      const after = h.updates().filter((entry) => entry.at > refusal.at);
      expect(after).toHaveLength(10);
      expect(after[0].at - refusal.at).toBeGreaterThanOrEqual(3000);
      expect(after[0].status).toBe(200);
      expect(after[1].at - after[0].at).toBeGreaterThanOrEqual(300);
      const recovered = await h.syncStatus().expect(200);
      expect(JSON.stringify(recovered.body.healthReasons ?? [])).not.toMatch(/credentials/i);
      expect(recovered.body.totalQueued).toBe(0);
    });

    it('a probe refused again pauses the server again (one request per pause); an admin setting new credentials resumes it at once', async () => {
      const { backlog } = await refusedThenBacklog(4);
      await waitUntil('the probe', () => refusals().length >= 2, 10_000);
      const [first, probe] = refusals();
      expect(probe.at - first.at).toBeGreaterThanOrEqual(3000);
      await sleep(300);
      expect(refusals()).toHaveLength(2);
      expect(await pendingItems()).toBe(3);

      // The admin enters PEMS's new password: the waiting items go now, not at the end of the next pause or at a cron tick.
      await h.putApiServer({ username: SIM_CREDENTIALS.username, password: 'rotated-password' }).expect(200);
      const changedAt = Date.now();
      const waiting = (await h.dataSource.query(`SELECT modification_id FROM pfa_write_queue WHERE status = 'pending'`)).map(
        (row: { modification_id: string }) => row.modification_id,
      );
      expect(waiting.every((id: string) => backlog.includes(id))).toBe(true);
      await waitForModifications(h.dataSource, waiting, ['synced'], 10_000);
      expect(Date.now() - changedAt).toBeLessThan(1500);
      const status = await h.syncStatus().expect(200);
      expect(JSON.stringify(status.body.healthReasons ?? [])).not.toMatch(/credentials/i);
    });
  });

  describe('version conflict: conflict handling', () => {
    it.each([409, 400] as const)('PEMS answering %i "updated by another user": same field -> a conflict; another field -> sent again and synced', async (conflictStatus) => {
      h.simulator.setConflictStatus(conflictStatus);
      const sameFieldId = await h.edit('PFA-10010', { model: 'ours' });
      const otherFieldId = await h.edit('PFA-10011', { model: 'ours too' });
      h.simulator.changeRecord('RIO', 'PFA-10010', { model: 'theirs' });
      h.simulator.changeRecord('RIO', 'PFA-10011', { manufacturer: 'Someone Else' });
      await h.queueOk();

      const [sameField, otherField] = await waitForModifications(h.dataSource, [sameFieldId, otherFieldId]).then((rows) =>
        [sameFieldId, otherFieldId].map((id) => rows.find((row) => row.id === id)!),
      );
      expect(sameField.status).toBe('conflict');
      expect(otherField.status).toBe('synced');
      const conflicts = await h.dataSource.getRepository(PfaSyncConflict).find();
      expect(conflicts.map((conflict) => [conflict.pfaId, conflict.conflictFields])).toEqual([['PFA-10010', ['model']]]);
      expect(await h.itemOf(sameFieldId)).toMatchObject({ status: 'failed', lastError: 'VERSION_CONFLICT', retryCount: 0 });
      expect(await h.itemOf(otherFieldId)).toMatchObject({ status: 'completed', retryCount: 0 });
      expect(h.updates('PFA-10010').map((entry) => entry.status)).toEqual([conflictStatus]);
      expect(h.updates('PFA-10011').map((entry) => entry.status)).toEqual([conflictStatus, 200]);
      expect(h.simulator.getRecord('RIO', 'PFA-10010')!.data.model).toBe('theirs');
      expect(h.simulator.getRecord('RIO', 'PFA-10011')!.data).toMatchObject({ model: 'ours too', manufacturer: 'Someone Else' });
    });
  });
});
