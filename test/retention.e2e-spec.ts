import { WebhookDeliveries } from '../src/webhooks/webhook-deliveries.service';
import { WebhooksService } from '../src/webhooks/webhooks.service';
import { WriteQueueService } from '../src/write-queue/write-queue.service';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, craneData } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

/** Completed queue rows must not pile up for ever: retention deletes old finished items and keeps what still matters. */
describe('queue retention (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ ENABLE_PEMS_WRITE_SYNC: 'false' });
  });
  afterAll(() => testApp.close());

  it('deletes completed and cancelled items older than the retention, keeps failed, recent and live ones', async () => {
    await cleanDatabase(testApp.dataSource);
    const fixtures = new Fixtures(testApp);
    const rio = await fixtures.organization('RIO');
    const { user } = await fixtures.user('planner', [[rio, ['perm_Edit']]]);
    const record = await fixtures.record(rio, 'PFA-1', craneData());
    const [modification] = await testApp.dataSource.query(
      `INSERT INTO pfa_modification (organization_id, record_id, user_id, changes, base_values, base_version, status)
       VALUES ($1, $2, $3, '{"model":"x"}', '{"model":"LR 1300"}', 1, 'synced') RETURNING id`,
      [rio.id, record.id, user.id],
    );
    const item = (status: string, daysAgo: number) =>
      testApp.dataSource.query(
        `INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload, status, completed_at)
         VALUES ($1, $2, 'PFA-1', '{"changes":{"model":"x"},"baseVersion":1}', $3::varchar, CASE WHEN $3::varchar = 'pending' THEN NULL ELSE now() - make_interval(days => $4) END)`,
        [modification.id, rio.id, status, daysAgo],
      );
    for (let index = 0; index < 7; index += 1) await item('completed', 10);
    await item('cancelled', 8);
    await item('failed', 30);
    await item('completed', 2);
    await item('pending', 0);

    const purged = await testApp.app.get(WriteQueueService).purgeFinished(7, 3);
    expect(purged).toBe(8);
    const left: Array<{ status: string; count: number }> = await testApp.dataSource.query(
      `SELECT status, count(*)::int AS count FROM pfa_write_queue GROUP BY status ORDER BY status`,
    );
    expect(left).toEqual([
      { status: 'completed', count: 1 },
      { status: 'failed', count: 1 },
      { status: 'pending', count: 1 },
    ]);
  });

  it('deletes webhook deliveries older than the retention, whatever their status, and keeps recent ones', async () => {
    await cleanDatabase(testApp.dataSource);
    const rio = await new Fixtures(testApp).organization('RIO');
    // Inactive: no dispatcher takes these rows meanwhile.
    const { webhook } = await testApp.app.get(WebhooksService).upsert(rio.id, { url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-signing-secret', active: false });
    const delivery = (status: string, daysAgo: number) =>
      testApp.dataSource.query(
        `INSERT INTO webhook_deliveries (webhook_id, organization_id, event, data, status, next_attempt_at, created_at)
         VALUES ($1, $2, 'sync.failed', '{}', $3::varchar, CASE WHEN $3::varchar = 'pending' THEN now() END, now() - make_interval(days => $4))`,
        [webhook.id, rio.id, status, daysAgo],
      );
    for (const status of ['delivered', 'failed', 'pending']) await delivery(status, 8);
    await delivery('delivered', 2);
    await delivery('pending', 0);

    expect(await testApp.app.get(WebhookDeliveries).purgeOlderThan(7, 2)).toBe(3);
    const left: Array<{ status: string; count: number }> = await testApp.dataSource.query(
      `SELECT status, count(*)::int AS count FROM webhook_deliveries GROUP BY status ORDER BY status`,
    );
    expect(left).toEqual([
      { status: 'delivered', count: 1 },
      { status: 'pending', count: 1 },
    ]);
  });
});
