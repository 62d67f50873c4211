import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { IncomingHttpHeaders, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppLogger } from '../src/logging/app-logger';
import { WebhookDeliveries } from '../src/webhooks/webhook-deliveries.service';
import { waitForModifications } from './support/write-sync-helpers';
import { WriteSyncHarness, pfaIds, waitUntil } from './support/write-sync-harness';

const SECRET = 'whsec-0f1e2d3c4b5a-a-long-webhook-secret';
const ROTATED_SECRET = 'whsec-rotated-9a8b7c6d5e4f-also-secret';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback: keeps what it receives, and answers as told (a status, or never). */
class Receiver {
  readonly received: Received[] = [];
  /** The answers to the next requests, in order; then `fallback`. */
  answers: Array<number | 'hang'> = [];
  fallback: number | 'hang' = 200;
  readonly hanging = new Set<ServerResponse>();
  private server!: Server;
  url!: string;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body });
        const answer = this.answers.shift() ?? this.fallback;
        if (answer === 'hang') this.hanging.add(response);
        else response.writeHead(answer, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    // A path and a query, as receivers often have (the query may hold the receiver's own token).
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/pems-sync?team=planning`;
  }

  /** Drops the connections left hanging: their attempts end with an error. */
  releaseHanging(): void {
    for (const response of this.hanging) response.socket?.destroy();
    this.hanging.clear();
  }

  reset(): void {
    this.releaseHanging();
    this.received.length = 0;
    this.answers = [];
    this.fallback = 200;
  }

  async stop(): Promise<void> {
    this.releaseHanging();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** What a receiver does with a request: checks the signature over "<timestamp>.<raw body>" with the secret, in constant time. */
function signatureVerifies(received: Received, secret: string): boolean {
  const timestamp = String(received.headers['x-pems-sync-timestamp']);
  const given = Buffer.from(String(received.headers['x-pems-sync-signature']));
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${received.body}`).digest('hex')}`);
  return given.length === expected.length && timingSafeEqual(given, expected) && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

/**
 * Outgoing webhooks per organization (docs/webhooks.md): set by an organization's admins, their
 * deliveries queued with the state change they tell of, signed, retried with backoff, and sent by
 * a dispatcher that a slow receiver cannot turn into a slow worker. The secret is never shown.
 */
describe('webhooks (e2e)', () => {
  let h: WriteSyncHarness;
  let receiver: Receiver;
  let logger: AppLogger;
  let logFile: string;
  const answers: string[] = [];

  beforeAll(async () => {
    logFile = join(mkdtempSync(join(tmpdir(), 'pems-sync-webhooks-')), 'app.log');
    // The most verbose log, searched for the secrets at the end.
    logger = new AppLogger('debug', logFile);
    h = await WriteSyncHarness.start({ WEBHOOK_RETRY_DELAYS_MS: '150,150,150', WEBHOOK_TIMEOUT_MS: '5000', WEBHOOK_CONCURRENCY: '4' }, logger);
    receiver = new Receiver();
    await receiver.start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await h?.stop();
  });
  beforeEach(async () => {
    receiver.reset();
    await h.reset(30);
  });

  const path = () => `/api/admin/organizations/${h.rio.id}/webhook`;
  /** Calls the API, keeping each whole answer (headers and body) for the search for secrets. */
  async function call(method: 'get' | 'put' | 'delete', url: string, user = h.admin, body?: object) {
    let pending = h.http()[method](url).set(h.as(user));
    if (body) pending = pending.send(body);
    const response = await pending;
    answers.push(`${method} ${url} ${response.status} ${JSON.stringify(response.headers)} ${response.text}`);
    return response;
  }
  const putWebhook = (body: object, user = h.admin) => call('put', path(), user, body);
  async function deliveries(query = ''): Promise<Array<Record<string, unknown>>> {
    const response = await call('get', `${path()}/deliveries${query}`);
    expect(response.status).toBe(200);
    return response.body.items;
  }
  async function deliveredOrFailed(count: number): Promise<Array<Record<string, unknown>>> {
    return waitUntil(`${count} deliveries delivered or failed`, async () => {
      const items = await deliveries();
      return items.length === count && items.every((item) => item.status !== 'pending') ? items : null;
    });
  }
  /** Edits the records and has PEMS refuse them for good (403): a sync.failed each. */
  async function failEdits(ids: string[]): Promise<string[]> {
    h.simulator.setFaults({ statusShares: { 403: 1 } });
    const edits = [];
    for (const pfaId of ids) edits.push(await h.edit(pfaId, { model: `Refused ${pfaId}` }));
    await h.queueOk();
    const ended = await waitForModifications(h.dataSource, edits);
    expect(ended.map((modification) => modification.status)).toEqual(ids.map(() => 'failed'));
    h.simulator.clearFaults();
    return edits;
  }

  it('is set, read and removed by the organization admin only; the URL must be allowed and the secret is write-only', async () => {
    expect((await call('get', path())).status).toBe(404);
    expect((await call('get', `${path()}/deliveries`)).status).toBe(404);
    // 403 without perm_Admin, whatever else the caller holds in the organization.
    for (const [method, url] of [
      ['get', path()],
      ['put', path()],
      ['delete', path()],
      ['get', `${path()}/deliveries`],
    ] as const) {
      const response = await call(method, url, h.planner, method === 'put' ? { url: receiver.url, secret: SECRET } : undefined);
      expect({ method, url, status: response.status }).toEqual({ method, url, status: 403 });
    }

    const refused = async (body: object, field: string, code?: string) => {
      const response = await putWebhook(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(code ? { code } : {}) })]));
    };
    await refused({ url: receiver.url }, 'secret', 'MISSING_REQUIRED_FIELD');
    await refused({ url: receiver.url, secret: 'too-short' }, 'secret');
    await refused({ url: receiver.url, secret: 'x'.repeat(257) }, 'secret');
    await refused({ url: receiver.url, secret: SECRET, events: ['sync.completed'] }, 'events');
    await refused({ url: receiver.url, secret: SECRET, events: [] }, 'events');
    for (const url of [
      'http://hooks.example.com/pems',
      'https://user:pw@hooks.example.com/pems',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://0x7f000002/hook',
      'https://localhost/hook',
      'file:///etc/passwd',
      'not a url',
    ]) {
      await refused({ url, secret: SECRET }, 'url', 'HOST_NOT_ALLOWED');
    }
    expect(await h.dataSource.query('SELECT * FROM organization_webhooks')).toEqual([]);

    const created = await putWebhook({ url: receiver.url, secret: SECRET });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.any(String),
      organizationId: h.rio.id,
      url: receiver.url,
      events: ['conflict.created', 'sync.failed', 'credentials.rejected'],
      active: true,
      hasSecret: true,
      secretUpdatedAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await call('get', path())).body).toEqual(created.body);
    // Left out, the secret is kept; the stored one is encrypted.
    const updated = await putWebhook({ url: receiver.url, events: ['sync.failed'] });
    expect(updated.body).toEqual({ ...created.body, events: ['sync.failed'], updatedAt: expect.any(String) });
    const [stored] = await h.dataSource.query('SELECT * FROM organization_webhooks');
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect((await putWebhook({ url: receiver.url, secret: ROTATED_SECRET, active: false })).status).toBe(200);
    expect((await putWebhook({ url: receiver.url, secret: ROTATED_SECRET, events: ['sync.failed'], active: false })).status).toBe(200);

    // The audit names the fields that changed and the receiver's origin, never the secret or the URL's path and query.
    const audit = await call('get', `/api/audit?organizationId=${h.rio.id}`);
    const entries = audit.body.items.filter((entry: { action: string }) => entry.action.startsWith('admin.webhook'));
    expect(entries.map((entry: { action: string; target: string; detail: object }) => [entry.action, entry.target, entry.detail])).toEqual([
      ['admin.webhook.update', created.body.id, { outcome: 'unchanged', changedFields: [], origin: new URL(receiver.url).origin }],
      ['admin.webhook.update', created.body.id, { outcome: 'updated', changedFields: ['secret', 'active'], origin: new URL(receiver.url).origin }],
      ['admin.webhook.update', created.body.id, { outcome: 'updated', changedFields: ['events'], origin: new URL(receiver.url).origin }],
      ['admin.webhook.update', created.body.id, { outcome: 'created', changedFields: ['url', 'secret', 'events', 'active'], origin: new URL(receiver.url).origin }],
    ]);
    expect(JSON.stringify(audit.body)).not.toContain('team=planning');

    const removed = await call('delete', path());
    expect(removed.status).toBe(200);
    expect(removed.body.id).toBe(created.body.id);
    expect((await call('get', path())).status).toBe(404);
    expect((await call('delete', path())).status).toBe(404);
  });

  it('POSTs a sync failure as signed JSON that verifies with the secret; nothing is queued without a webhook, or on a rollback', async () => {
    // No webhook yet: a failure queues nothing.
    await failEdits(pfaIds(1));
    expect(await h.dataSource.query('SELECT id FROM webhook_deliveries')).toEqual([]);
    expect((await putWebhook({ url: receiver.url, secret: SECRET })).status).toBe(200);
    // A transaction that rolls back leaves no delivery.
    await expect(
      h.dataSource.transaction(async (manager) => {
        await h.testApp.app.get(WebhookDeliveries).enqueue(manager, { organizationId: h.rio.id, event: 'credentials.rejected', data: { apiServerId: h.rio.id, error: 'x' } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await h.dataSource.query('SELECT id FROM webhook_deliveries')).toEqual([]);

    const [modificationId] = await failEdits(pfaIds(1, 1));
    const [delivery] = await deliveredOrFailed(1);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-pems-sync-event': 'sync.failed',
      'x-pems-sync-delivery': delivery.id,
      'x-pems-sync-timestamp': expect.stringMatching(/^\d+$/),
      'x-pems-sync-signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
    expect(signatureVerifies(request, SECRET)).toBe(true);
    expect(signatureVerifies(request, ROTATED_SECRET)).toBe(false);
    expect(signatureVerifies({ ...request, body: request.body.replace('sync.failed', 'sync.failes') }, SECRET)).toBe(false);
    const item = await h.itemOf(modificationId);
    expect(JSON.parse(request.body)).toEqual({
      id: delivery.id,
      event: 'sync.failed',
      organizationId: h.rio.id,
      occurredAt: delivery.createdAt,
      data: { modificationId, queueItemId: item.id, pfaId: pfaIds(1, 1)[0], error: expect.stringContaining('403'), statusCode: 403 },
    });
    expect(delivery).toEqual({
      id: expect.any(String),
      event: 'sync.failed',
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: 200,
      lastError: null,
      createdAt: expect.any(String),
      deliveredAt: expect.any(String),
    });
  });

  it('retries a receiver that answers 500 twice with the same delivery id, and it ends delivered after 3 attempts', async () => {
    expect((await putWebhook({ url: receiver.url, secret: SECRET, events: ['conflict.created'] })).status).toBe(200);
    receiver.answers = [500, 500, 200];
    // A real conflict: PEMS's other user changes the record between our edit and its send.
    const [pfaId] = pfaIds(1);
    const modificationId = await h.edit(pfaId, { model: 'Ours' });
    h.simulator.changeRecord('RIO', pfaId, { model: 'Theirs' });
    await h.queueOk();
    expect((await waitForModifications(h.dataSource, [modificationId]))[0].status).toBe('conflict');
    const [delivery] = await deliveredOrFailed(1);
    expect(delivery).toMatchObject({ event: 'conflict.created', status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
    expect(receiver.received.map((request) => request.headers['x-pems-sync-delivery'])).toEqual([delivery.id, delivery.id, delivery.id]);
    expect(receiver.received.every((request) => request.body === receiver.received[0].body && signatureVerifies(request, SECRET))).toBe(true);
    const [conflict] = await h.dataSource.query('SELECT id FROM pfa_sync_conflict WHERE modification_id = $1', [modificationId]);
    expect(JSON.parse(receiver.received[0].body).data).toEqual({ conflictId: conflict.id, modificationId, queueItemId: expect.any(String), pfaId, conflictFields: ['model'] });
  });

  it('fails a delivery after its retries run out, and queues credentials.rejected when PEMS refuses the credentials', async () => {
    expect((await putWebhook({ url: receiver.url, secret: SECRET })).status).toBe(200);
    receiver.fallback = 503;
    h.simulator.setFaults({ unauthorizedForMs: 60_000 });
    const modificationId = await h.edit(pfaIds(1)[0], { model: 'Refused credentials' });
    await h.queueOk();
    expect((await waitForModifications(h.dataSource, [modificationId]))[0].syncError).toContain('CREDENTIALS_REJECTED');
    const items = await deliveredOrFailed(2);
    // The first 401 pauses the server (credentials.rejected) and fails its item (sync.failed).
    expect(items.map((item) => item.event).sort()).toEqual(['credentials.rejected', 'sync.failed']);
    for (const item of items) {
      expect(item).toMatchObject({ status: 'failed', attempts: 4, nextAttemptAt: null, lastStatusCode: 503, lastError: 'The receiver answered 503', deliveredAt: null });
    }
    const rejected = receiver.received.find((request) => request.headers['x-pems-sync-event'] === 'credentials.rejected')!;
    const [server] = await h.dataSource.query('SELECT id FROM api_servers WHERE organization_id = $1', [h.rio.id]);
    expect(JSON.parse(rejected.body).data).toEqual({ apiServerId: server.id, error: expect.stringContaining('401') });
    expect(await deliveries('?status=failed')).toHaveLength(2);
    expect(await deliveries('?status=delivered')).toHaveLength(0);
    h.simulator.clearFaults();
    await h.releaseServer();
  });

  it('a receiver that never answers does not slow the worker: edits sync at the rate limit while every dispatcher slot hangs', async () => {
    expect((await putWebhook({ url: receiver.url, secret: SECRET, events: ['sync.failed'] })).status).toBe(200);
    receiver.fallback = 'hang';
    await failEdits(pfaIds(6));
    // All four of the dispatcher's places wait on the receiver, which holds them up to the 5 s timeout.
    await waitUntil('4 attempts hanging', () => receiver.hanging.size === 4);

    const edits = [];
    for (const pfaId of pfaIds(20, 6)) edits.push(await h.edit(pfaId, { model: `Synced ${pfaId}` }));
    const queuedAt = Date.now();
    await h.queueOk();
    await waitForModifications(h.dataSource, edits, ['synced'], 10_000);
    const tookMs = Date.now() - queuedAt;
    // 20 sends at 10/s: about 2 s, as without webhooks; the receiver is still hanging.
    expect(tookMs).toBeLessThan(3500);
    expect(receiver.hanging.size).toBe(4);
    expect(receiver.received).toHaveLength(4);
    const updates = h.updates().filter((entry) => pfaIds(20, 6).includes(entry.pfaId ?? ''));
    expect(updates).toHaveLength(20);
    expect((updates[19].at - updates[0].at) / 19).toBeLessThan(150);

    // Once the receiver answers, every delivery goes: the hung attempts were cut off and retried.
    receiver.fallback = 200;
    receiver.releaseHanging();
    const items = await deliveredOrFailed(6);
    expect(items.every((item) => item.status === 'delivered')).toBe(true);
  });

  it('never shows or logs the secret', async () => {
    expect((await putWebhook({ url: receiver.url, secret: SECRET })).status).toBe(200);
    await call('get', path());
    await call('get', `${path()}/deliveries`);
    await sleep(200);
    await logger.close();
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('Webhook delivery');
    for (const secret of [SECRET, ROTATED_SECRET]) {
      expect({ secret, inLog: log.includes(secret) }).toEqual({ secret, inLog: false });
      expect({ secret, leaks: answers.filter((text) => text.includes(secret)) }).toEqual({ secret, leaks: [] });
    }
    expect(answers.length).toBeGreaterThan(20);
  });
});
