import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { Organization } from '../src/organizations/entities/organization.entity';
import { ThreadedPemsSimulator } from './support/threaded-simulator';
import { PfaRecord } from '../src/pfa/entities/pfa-record.entity';
import { WriteSyncWorker } from '../src/write-sync/write-sync.worker';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser } from './support/fixtures';
import { connectToSimulator, startSimulator } from './support/pems-simulator-fixture';
import { EventStream } from './support/event-stream';
import { TestApp, createTestApp } from './support/test-app';
import { waitForModifications } from './support/write-sync-helpers';

/**
 * SPEC §6: what an operator watches. The SSE stream tells a browser what happens to its
 * organization's writes (and nothing of another's), from whichever instance did the work;
 * /metrics gives Prometheus the queue and the sends; /health shows the database and the worker.
 */

/** Prometheus text as `name{labels}` -> value. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

async function listen(testApp: TestApp): Promise<string> {
  await testApp.app.listen(0, '127.0.0.1');
  const { port } = testApp.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

describe('sync events, metrics and health (e2e)', () => {
  let testApp: TestApp;
  let appUrl: string;
  let fixtures: Fixtures;
  let simulator: ThreadedPemsSimulator;
  let simulatorUrl: string;
  let rio: Organization;
  let oslo: Organization;
  let rioPlanner: TestUser;
  let osloPlanner: TestUser;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    testApp = await createTestApp({ PEMS_WRITE_SYNC_RETRY_DELAYS_MS: '1000,2000,3000' });
    appUrl = await listen(testApp);
    fixtures = new Fixtures(testApp);
    ({ simulator, baseUrl: simulatorUrl } = await startSimulator());
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    simulator.reset();
    simulator.clearFaults();
    simulator.seed('RIO', 10, { seed: 3 });
    simulator.seed('OSLO', 10, { seed: 5, idPrefix: 'OSL-' });
    rio = await fixtures.organization('RIO');
    oslo = await fixtures.organization('OSLO');
    rioPlanner = await fixtures.user('rio-planner', [[rio, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
    osloPlanner = await fixtures.user('oslo-planner', [[oslo, ['perm_Read', 'perm_Edit', 'perm_Sync']]]);
    for (const [organization, planner] of [
      [rio, rioPlanner],
      [oslo, osloPlanner],
    ] as const) {
      await connectToSimulator(testApp, organization, simulatorUrl);
      await http().post('/api/pems/read-sync').set(as(planner)).send({ organizationId: organization.id }).expect(200);
    }
  });
  afterEach(() => {
    streams.splice(0).forEach((stream) => stream.close());
  });
  afterAll(async () => {
    await simulator.stop();
    await testApp.close();
  });

  const http = () => request(testApp.app.getHttpServer());
  const as = (user: TestUser) => ({ Authorization: `Bearer ${user.token}` });

  async function openStream(organization: Organization, user: TestUser, label: string, url = appUrl): Promise<EventStream> {
    const stream = await EventStream.open(url, organization, user, label);
    streams.push(stream);
    return stream;
  }

  async function recordOf(organization: Organization, index = 0): Promise<PfaRecord> {
    const [record] = await testApp.dataSource.getRepository(PfaRecord).find({ where: { organizationId: organization.id }, order: { pfaId: 'ASC' }, skip: index, take: 1 });
    return record;
  }

  /** PATCH then POST write-sync, as a user does; answers the modification's id. */
  async function editAndQueue(
    organization: Organization,
    user: TestUser,
    record: PfaRecord,
    changes: Record<string, unknown>,
    server = testApp.app.getHttpServer(),
  ): Promise<string> {
    const edited = await request(server).patch(`/api/pfa/${record.id}`).set(as(user)).send({ changes }).expect(201);
    const queued = await request(server)
      .post('/api/pems/write-sync')
      .set(as(user))
      .send({ organizationId: organization.id, modificationIds: [edited.body.id] })
      .expect(200);
    expect(queued.body.queuedCount).toBe(1);
    return edited.body.id as string;
  }

  async function scrape(): Promise<Map<string, number>> {
    const response = await http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    return parseMetrics(response.text);
  }

  const ofModification = (id: string) => (stream: EventStream) => stream.syncEvents.filter((event) => event.data.modificationId === id).map((event) => event.type);

  describe('GET /api/pems/events', () => {
    it("streams sync.processing and sync.completed of the caller's organization, and nothing of another organization's", async () => {
      const rioStream = await openStream(rio, rioPlanner, 'RIO stream');
      const osloStream = await openStream(oslo, osloPlanner, 'OSLO stream');
      const rioRecord = await recordOf(rio);
      const osloRecord = await recordOf(oslo);

      const rioEdit = await editAndQueue(rio, rioPlanner, rioRecord, { model: 'LR 9000' });
      const completed = await rioStream.waitFor((event) => event.type === 'sync.completed' && event.data.modificationId === rioEdit, 'sync.completed of the RIO edit');
      expect(completed.data).toEqual(
        expect.objectContaining({
          type: 'sync.completed',
          organizationId: rio.id,
          modificationId: rioEdit,
          pfaId: rioRecord.pfaId,
          queueItemId: expect.any(String),
          at: expect.any(String),
        }),
      );
      expect(new Date(completed.data.at).toISOString()).toBe(completed.data.at);
      expect(ofModification(rioEdit)(rioStream)).toEqual(['sync.processing', 'sync.completed']);

      // The other stream is live: it hears of its own organization's write.
      const osloEdit = await editAndQueue(oslo, osloPlanner, osloRecord, { model: 'LR 9100' });
      await osloStream.waitFor((event) => event.type === 'sync.completed' && event.data.modificationId === osloEdit, 'sync.completed of the OSLO edit');
      await sleep(300);

      expect(ofModification(osloEdit)(osloStream)).toEqual(['sync.processing', 'sync.completed']);
      expect(rioStream.syncEvents.filter((event) => event.data.organizationId !== rio.id)).toEqual([]);
      expect(osloStream.syncEvents.filter((event) => event.data.organizationId !== oslo.id)).toEqual([]);
      expect(ofModification(rioEdit)(osloStream)).toEqual([]);
      expect(ofModification(osloEdit)(rioStream)).toEqual([]);
    });

    it('streams conflict.created when PEMS changed the same field meanwhile, then conflict.resolved and sync.completed after use_local', async () => {
      const rioStream = await openStream(rio, rioPlanner, 'RIO stream');
      const osloStream = await openStream(oslo, osloPlanner, 'OSLO stream');
      const record = await recordOf(rio, 1);
      const before = await scrape();

      const edited = await http()
        .patch(`/api/pfa/${record.id}`)
        .set(as(rioPlanner))
        .send({ changes: { monthlyRate: 17_250 } })
        .expect(201);
      const modificationId: string = edited.body.id;
      simulator.changeRecord('RIO', record.pfaId, { monthlyRate: 18_000 });
      await http().post('/api/pems/write-sync').set(as(rioPlanner)).send({ organizationId: rio.id }).expect(200);

      const created = await rioStream.waitFor((event) => event.type === 'conflict.created' && event.data.modificationId === modificationId, 'conflict.created');
      const listed = await http().get('/api/pems/conflicts').query({ organizationId: rio.id, status: 'unresolved' }).set(as(rioPlanner)).expect(200);
      expect(listed.body.conflicts).toEqual([expect.objectContaining({ id: created.data.conflictId, pfaId: record.pfaId, conflictFields: ['monthlyRate'] })]);
      expect(created.data).toEqual(expect.objectContaining({ organizationId: rio.id, pfaId: record.pfaId, conflictId: expect.any(String) }));
      expect(ofModification(modificationId)(rioStream)).toEqual(['sync.processing', 'conflict.created']);

      const counted = await scrape();
      expect((counted.get('pems_sync_conflicts_total') ?? 0) - (before.get('pems_sync_conflicts_total') ?? 0)).toBe(1);
      expect(counted.get('pems_sync_sends_total{outcome="conflict"}') ?? 0).toBe((before.get('pems_sync_sends_total{outcome="conflict"}') ?? 0) + 1);
      expect(counted.get('pems_sync_unresolved_conflicts')).toBe(1);

      await http().post(`/api/pems/conflicts/${created.data.conflictId}/resolve`).set(as(rioPlanner)).send({ resolution: 'use_local' }).expect(200);
      await rioStream.waitFor((event) => event.type === 'conflict.resolved' && event.data.conflictId === created.data.conflictId, 'conflict.resolved');
      await rioStream.waitFor((event) => event.type === 'sync.completed' && event.data.modificationId === modificationId, 'sync.completed after use_local');
      expect(simulator.getRecord('RIO', record.pfaId)!.data.monthlyRate).toBe(17_250);
      expect(ofModification(modificationId)(rioStream)).toEqual(['sync.processing', 'conflict.created', 'conflict.resolved', 'sync.processing', 'sync.completed']);
      expect((await scrape()).get('pems_sync_unresolved_conflicts')).toBe(0);

      await sleep(300);
      expect(osloStream.syncEvents).toEqual([]);
    });

    it('reaches a browser connected to another instance, whose own worker is off: events travel through PostgreSQL NOTIFY', async () => {
      const second = await createTestApp({ ENABLE_PEMS_WRITE_SYNC: 'false' });
      try {
        const secondUrl = await listen(second);
        const onSecond = await openStream(rio, rioPlanner, 'RIO stream on the second instance', secondUrl);
        const onFirst = await openStream(rio, rioPlanner, 'RIO stream on the first instance');
        const record = await recordOf(rio, 2);

        const modificationId = await editAndQueue(rio, rioPlanner, record, { model: 'LR 1600' });
        await onSecond.waitFor((event) => event.type === 'sync.completed' && event.data.modificationId === modificationId, 'sync.completed on the second instance');
        await onFirst.waitFor((event) => event.type === 'sync.completed' && event.data.modificationId === modificationId, 'sync.completed on the first instance');
        expect(ofModification(modificationId)(onSecond)).toEqual(['sync.processing', 'sync.completed']);
        expect(onSecond.syncEvents.map((event) => event.data)).toEqual(onFirst.syncEvents.map((event) => event.data));

        // The first instance did the work; the second only relayed what it heard.
        const secondWorker = second.app.get(WriteSyncWorker).getStatus();
        expect(secondWorker).toMatchObject({ enabled: false, totals: expect.objectContaining({ claimed: 0 }) });
        expect(testApp.app.get(WriteSyncWorker).getStatus().totals.claimed).toBeGreaterThanOrEqual(1);
        const health = await request(second.app.getHttpServer()).get('/health').expect(200);
        expect(health.body.info).toMatchObject({ database: { status: 'up' }, writeSyncWorker: { status: 'up', enabled: false } });
      } finally {
        streams.splice(0).forEach((stream) => stream.close());
        await second.close();
      }
    });
  });

  describe('GET /metrics', () => {
    it('is Prometheus text with every sync metric, without a token', async () => {
      const response = await http().get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain;/);
      expect(response.headers['content-type']).toContain('version=0.0.4');
      for (const [name, type] of [
        ['pems_sync_queue_depth', 'gauge'],
        ['pems_sync_sends_total', 'counter'],
        ['pems_sync_send_duration_seconds', 'histogram'],
        ['pems_sync_conflicts_total', 'counter'],
        ['pems_sync_oldest_pending_age_seconds', 'gauge'],
      ]) {
        expect(response.text).toContain(`# TYPE ${name} ${type}\n`);
        expect(response.text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
      }
      const samples = parseMetrics(response.text);
      expect(Object.fromEntries(['pending', 'processing', 'failed'].map((status) => [status, samples.get(`pems_sync_queue_depth{status="${status}"}`)]))).toEqual({
        pending: 0,
        processing: 0,
        failed: 0,
      });
      expect(samples.get('pems_sync_oldest_pending_age_seconds')).toBe(0);
      expect(samples.get('pems_sync_send_duration_seconds_bucket{le="+Inf"}')).toBe(samples.get('pems_sync_send_duration_seconds_count'));
    });

    it('shows the queue while it drains, and counts the sends and their latency once done', async () => {
      const latencyMs = 1500;
      const record = await recordOf(rio, 3);
      // Two people's edits of one record: the second waits while the first is being sent (per-record order).
      const colleague = await fixtures.user('rio-colleague', [[rio, ['perm_Read', 'perm_Edit']]]);
      const first = await http()
        .patch(`/api/pfa/${record.id}`)
        .set(as(rioPlanner))
        .send({ changes: { model: 'LR 11000' } })
        .expect(201);
      const second = await http()
        .patch(`/api/pfa/${record.id}`)
        .set(as(colleague))
        .send({ changes: { monthlyRate: 21_000 } })
        .expect(201);
      const before = await scrape();
      simulator.setFaults({ latencyMs });

      await http().post('/api/pems/write-sync').set(as(rioPlanner)).send({ organizationId: rio.id }).expect(200);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const statuses: Array<{ status: string }> = await testApp.dataSource.query('SELECT status FROM pfa_write_queue ORDER BY seq');
        if (statuses.map((row) => row.status).join() === 'processing,pending') break;
        if (Date.now() > deadline) throw new Error(`The first item was never seen in flight with the second waiting: ${JSON.stringify(statuses)}`);
        await sleep(20);
      }
      const draining = await scrape();
      expect(draining.get('pems_sync_queue_depth{status="pending"}')).toBe(1);
      expect(draining.get('pems_sync_queue_depth{status="processing"}')).toBe(1);
      expect(draining.get('pems_sync_oldest_pending_age_seconds')).toBeGreaterThan(0);
      expect(draining.get('pems_sync_oldest_pending_age_seconds')).toBeLessThan(10);

      const modifications = await waitForModifications(testApp.dataSource, [first.body.id, second.body.id]);
      simulator.clearFaults();
      expect(modifications.map((modification) => modification.status)).toEqual(['synced', 'synced']);

      const after = await scrape();
      const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      expect(delta('pems_sync_sends_total{outcome="success"}')).toBe(2);
      expect(delta('pems_sync_send_duration_seconds_count')).toBe(2);
      expect(delta('pems_sync_send_duration_seconds_bucket{le="+Inf"}')).toBe(2);
      // Each send waited for PEMS's latency; a faster bucket gained nothing.
      expect(delta('pems_sync_send_duration_seconds_sum')).toBeGreaterThanOrEqual((2 * latencyMs * 0.9) / 1000);
      expect(delta('pems_sync_send_duration_seconds_bucket{le="1"}')).toBe(0);
      expect(after.get('pems_sync_queue_depth{status="pending"}')).toBe(0);
      expect(after.get('pems_sync_queue_depth{status="processing"}')).toBe(0);
      expect(after.get('pems_sync_oldest_pending_age_seconds')).toBe(0);
    });
  });

  describe('GET /health', () => {
    it('reports the database and the write-sync worker up, without a token', async () => {
      const response = await http().get('/health').expect(200);
      expect(response.body).toMatchObject({
        status: 'ok',
        info: {
          database: { status: 'up' },
          writeSyncWorker: { status: 'up', enabled: true, running: expect.any(Boolean), inFlight: expect.any(Number) },
        },
      });
      expect(response.body.error).toEqual({});
    });

    it("shows the worker's last run once it has synced something", async () => {
      const modificationId = await editAndQueue(rio, rioPlanner, await recordOf(rio, 4), { model: 'LR 1750' });
      await waitForModifications(testApp.dataSource, [modificationId]);
      await testApp.app.get(WriteSyncWorker).idle();
      const response = await http().get('/health').expect(200);
      expect(response.body.info.writeSyncWorker).toMatchObject({ status: 'up', lastRunFinishedAt: expect.any(String) });
      expect(Date.now() - Date.parse(response.body.info.writeSyncWorker.lastRunFinishedAt)).toBeLessThan(30_000);
    });
  });
});
