import { HttpModule } from '@nestjs/axios';
import { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { PemsSimulator } from '../../pems-simulator/pems-simulator';
import { AppConfig } from '../../config/app-config';
import { PemsHostPolicy } from '../../pems-hosts/pems-host-policy';
import { PemsApiError } from './pems-api.error';
import { PemsConnection, PemsRecordPage } from './pems-client.types';
import { PemsRateLimiter, PemsTenantPausedError, SendPermit } from './pems-rate-limiter';
import { MAX_PEMS_ANSWER_BYTES, PemsClient } from './pems.client';

/**
 * The client against the PEMS simulator over real HTTP; a few cases a contract-following
 * server never produces (garbage, EAM's looser value forms) against a tiny canned server.
 */
const TENANT = 'ACME_TENANT';
const ORG = 'RIO';
const USERNAME = 'sync-bot';
const PASSWORD = 'Sup3r-S3cret-Passw0rd';
const API_KEY = 'ak_live_9f8e7d6c5b4a3210';
const BASIC_TOKEN = Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64');

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private capture =
    (level: string) =>
    (message: unknown, ...params: unknown[]) => {
      this.lines.push(`${level} ${JSON.stringify([message, ...params])}`);
    };
  log = this.capture('log');
  error = this.capture('error');
  warn = this.capture('warn');
  debug = this.capture('debug');
  verbose = this.capture('verbose');
  fatal = this.capture('fatal');
}

/** A gate that lets every call through at once and remembers when each request said it left. */
class OpenGate extends PemsRateLimiter {
  readonly departures: number[] = [];
  abandonAfterMs = 60_000;
  async acquire(): Promise<SendPermit> {
    return { abandonAt: performance.now() + this.abandonAfterMs, departed: (leftAt) => void this.departures.push(leftAt) };
  }
  async pause(): Promise<void> {}
  spacingMs(ratePerSecond: number): number {
    return 1000 / ratePerSecond;
  }
}

/** A server answering whatever the current test tells it to, for what the simulator never sends. */
class CannedPemsServer {
  answer: (req: IncomingMessage, body: any) => { status: number; body: string; headers?: Record<string, string> } = () => ({ status: 200, body: '{}' });
  private server: Server | null = null;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const { status, body, headers } = this.answer(req, JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/axis/restservices`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe('PemsClient', () => {
  const sim = new PemsSimulator({ tenants: { [TENANT]: { username: USERNAME, password: PASSWORD, apiKey: API_KEY } }, rateLimitPerSecond: null });
  const canned = new CannedPemsServer();
  const logger = new CapturingLogger();
  const failures: PemsApiError[] = [];
  let client: PemsClient;
  let limiter: OpenGate;

  const conn = (overrides: Partial<PemsConnection> = {}): PemsConnection => ({
    baseUrl: sim.baseUrl,
    tenant: TENANT,
    tenantKey: `${sim.baseUrl}|${TENANT}`,
    organizationCode: ORG,
    authType: 'basic',
    username: USERNAME,
    password: PASSWORD,
    timeoutMs: 3000,
    rateLimitPerSecond: 1000,
    fieldMap: null,
    ...overrides,
  });
  const apiKeyConn = (overrides: Partial<PemsConnection> = {}) => conn({ authType: 'api_key', username: undefined, password: undefined, apiKey: API_KEY, ...overrides });

  /** Every grid page from the start, following NEXTCURSORPOSITION as read sync does. */
  async function allPages(connection: PemsConnection, pageSize: number): Promise<PemsRecordPage[]> {
    const pages: PemsRecordPage[] = [];
    for (let cursor: number | null = 0; cursor !== null; cursor = pages[pages.length - 1].nextCursor) pages.push(await client.listRecordsPage(connection, cursor, pageSize));
    return pages;
  }

  /** The PemsApiError a call fails with (kept for the check that no secret leaks into any of them). */
  async function failure(call: Promise<unknown>): Promise<PemsApiError> {
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PemsApiError);
    failures.push(error as PemsApiError);
    return error as PemsApiError;
  }

  beforeAll(async () => {
    await sim.start();
    await canned.start();
    const moduleRef = await Test.createTestingModule({
      imports: [HttpModule],
      providers: [
        PemsClient,
        PemsHostPolicy,
        { provide: PemsRateLimiter, useClass: OpenGate },
        { provide: AppConfig, useValue: Object.assign(new AppConfig(), { PEMS_ALLOWED_HOSTS: '127.0.0.1' }) },
      ],
    })
      .setLogger(logger)
      .compile();
    client = moduleRef.get(PemsClient);
    limiter = moduleRef.get(PemsRateLimiter) as OpenGate;
  });

  afterAll(async () => {
    await sim.stop();
    await canned.stop();
  });

  beforeEach(() => {
    sim.reset();
    sim.seed(ORG, 30, { seed: 11 });
  });

  describe('envelopes, both ways, every field type', () => {
    const stored = {
      organization: ORG,
      pfaId: 'PFA-50000',
      recordid: 7,
      lastModified: '2025-04-02T10:11:12.345Z',
      data: {
        category: 'Cranes',
        class: 'Crawler Crane',
        source: 'Rental',
        dor: 'PROJECT',
        areaSilo: 'Área 100 – Site "Prep"',
        manufacturer: 'Liebherr',
        model: 'LR 1300',
        monthlyRate: 41250.75,
        purchasePrice: null,
        originalStart: '2025-01-06',
        originalEnd: '2025-12-19',
        forecastStart: '2025-02-03',
        forecastEnd: '2026-01-30',
        actualStart: '2025-02-10',
        actualEnd: null,
        isActualized: false,
        isDiscontinued: false,
        isFundsTransferable: true,
        hasPlan: true,
        hasActuals: true,
      },
    } as const;

    it('reads a record from the screen service and from the grid into the same typed record', async () => {
      sim.putRecord(stored);
      const expected = { pfaId: 'PFA-50000', version: 7, data: stored.data, lastModified: '2025-04-02T10:11:12.345Z' };

      expect(await client.getRecord(conn(), 'PFA-50000')).toEqual(expected);

      const listed = [];
      for (const page of await allPages(conn(), 100)) listed.push(...page.records);
      expect(listed.find((record) => record.pfaId === 'PFA-50000')).toEqual(expected);
      // Every seeded record reads the same from both services.
      for (const record of listed.slice(0, 10)) expect(await client.getRecord(conn(), record.pfaId)).toEqual(record);
    });

    it('sends the keys, recordid and the changed fields only, each typed as the contract says', async () => {
      sim.putRecord(stored);
      const updated = await client.updateRecord(conn(), 'PFA-50000', 7, {
        model: 'LR 1300 SX',
        source: 'Purchase',
        monthlyRate: null,
        purchasePrice: 1850000,
        forecastEnd: '2026-03-31',
        isDiscontinued: true,
        isFundsTransferable: false,
      });

      const [sent] = sim.getLog();
      expect(sent).toMatchObject({ action: 'UPDATE', pfaId: 'PFA-50000', recordid: 7, status: 200 });
      expect(sent.fields).toEqual({
        PFS_MODEL: { TEXTDATA: 'LR 1300 SX' },
        PFS_F_SOURCE: { TEXTDATA: 'Purchase' },
        PFS_F_RATE: {},
        PFS_F_PURCHASE: { NUMERICDATA: 1850000 },
        PFS_F_ENDDATE: { DATETIMEDATA: '2026-03-31' },
        PFS_DISCONTINUED: { TEXTDATA: 'true' },
        PFS_FUNDSTRANSFERABLE: { TEXTDATA: 'false' },
      });

      const inPems = sim.getRecord(ORG, 'PFA-50000')!;
      expect(updated).toEqual({ pfaId: 'PFA-50000', version: 8, data: inPems.data, lastModified: inPems.lastModified });
      expect(inPems.data).toEqual({
        ...stored.data,
        model: 'LR 1300 SX',
        source: 'Purchase',
        monthlyRate: null,
        purchasePrice: 1850000,
        forecastEnd: '2026-03-31',
        isDiscontinued: true,
        isFundsTransferable: false,
      });
    });

    it('refuses, without calling PEMS, a change PEMS could not take', async () => {
      for (const [changes, version] of [
        [{}, 1],
        [{ monthlyRate: '12000' }, 1],
        [{ forecastEnd: '2025-02-30' }, 1],
        [{ source: 'Lease' }, 1],
        [{ isDiscontinued: 'yes' }, 1],
        [{ colour: 'red' }, 1],
        [{ model: 'x' }, -1],
      ] as const) {
        const error = await failure(client.updateRecord(conn(), 'PFA-10001', version, changes as never));
        expect(error).toMatchObject({ kind: 'not_retryable', status: null });
      }
      expect(sim.getLog()).toEqual([]);
    });
  });

  describe('field map override', () => {
    it('uses the server field_map for sending and reading', async () => {
      sim.setFieldMap({ monthlyRate: 'PFS_F_MONTHLYRATE' });
      const before = sim.getRecord(ORG, 'PFA-10001')!;

      // With the default map the simulator does not know PFS_F_RATE any more.
      const refused = await failure(client.updateRecord(conn(), 'PFA-10001', before.recordid, { monthlyRate: 9999 }));
      expect(refused).toMatchObject({ kind: 'not_retryable', status: 400, errorName: 'UnknownField' });
      expect((await client.getRecord(conn(), 'PFA-10001')).data).not.toHaveProperty('monthlyRate');

      const mapped = conn({ fieldMap: { monthlyRate: 'PFS_F_MONTHLYRATE' } });
      const updated = await client.updateRecord(mapped, 'PFA-10001', before.recordid, { monthlyRate: 9999 });
      expect(sim.getLog().at(-1)!.fields).toEqual({ PFS_F_MONTHLYRATE: { NUMERICDATA: 9999 } });
      expect(updated.data.monthlyRate).toBe(9999);
      expect((await client.getRecord(mapped, 'PFA-10001')).data.monthlyRate).toBe(9999);
      const page = await client.listRecordsPage(mapped, 0, 1);
      expect(page.records[0].data.monthlyRate).toBe(9999);
    });
  });

  describe('headers', () => {
    it('sends Content-Type, Accept, tenant, organization and Basic credentials', async () => {
      await client.getRecord(conn(), 'PFA-10001');
      expect(sim.getLog()[0]).toMatchObject({
        contentType: 'application/json',
        accept: 'application/json',
        tenant: TENANT,
        organization: ORG,
        auth: { type: 'basic', username: USERNAME },
        status: 200,
      });
    });

    it('sends X-Api-Key for an api_key server', async () => {
      await client.listRecordsPage(apiKeyConn(), 0, 5);
      expect(sim.getLog()[0]).toMatchObject({ tenant: TENANT, organization: ORG, auth: { type: 'api_key' }, status: 200 });
    });

    it('exactly, as the canned server sees them', async () => {
      let seen: IncomingMessage['headers'] = {};
      canned.answer = (req) => {
        seen = req.headers;
        return { status: 404, body: JSON.stringify({ ErrorAlert: [{ Name: 'RecordNotFound', Message: 'no' }] }) };
      };
      await failure(client.getRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1'));
      expect(seen).toMatchObject({ 'content-type': 'application/json', accept: 'application/json', tenant: TENANT, organization: ORG, authorization: `Basic ${BASIC_TOKEN}` });
      expect(seen).not.toHaveProperty('x-api-key');
      await failure(client.getRecord(apiKeyConn({ baseUrl: canned.baseUrl }), 'PFA-1'));
      expect(seen).toMatchObject({ 'x-api-key': API_KEY });
      expect(seen).not.toHaveProperty('authorization');
    });

    it('does not call PEMS without the credentials its auth type needs', async () => {
      const error = await failure(client.getRecord(apiKeyConn({ apiKey: undefined }), 'PFA-10001'));
      expect(error).toMatchObject({ kind: 'credentials_rejected', status: null });
      expect(sim.getLog()).toEqual([]);
    });
  });

  describe('status classes', () => {
    it('400 is not retryable, with the ErrorAlert name', async () => {
      sim.setFieldMap({ model: 'PFS_MODEL_NAME' });
      const record = sim.getRecord(ORG, 'PFA-10001')!;
      const error = await failure(client.updateRecord(conn(), 'PFA-10001', record.recordid, { model: 'x' }));
      expect(error).toMatchObject({ kind: 'not_retryable', status: 400, errorName: 'UnknownField', retryAfterMs: null });
    });

    it('401 is credentials_rejected, for Basic and for an API key', async () => {
      expect(await failure(client.getRecord(conn({ password: 'wrong-password' }), 'PFA-10001'))).toMatchObject({
        kind: 'credentials_rejected',
        status: 401,
        errorName: 'InvalidCredentials',
      });
      expect(await failure(client.getRecord(apiKeyConn({ apiKey: 'wrong-api-key' }), 'PFA-10001'))).toMatchObject({ kind: 'credentials_rejected', status: 401 });
    });

    it('403 is not retryable', async () => {
      sim.setFaults({ statusShares: { 403: 1 } });
      expect(await failure(client.getRecord(conn(), 'PFA-10001'))).toMatchObject({ kind: 'not_retryable', status: 403, errorName: 'InsufficientPrivileges' });
    });

    it('404 is not retryable', async () => {
      expect(await failure(client.getRecord(conn(), 'PFA-404'))).toMatchObject({ kind: 'not_retryable', status: 404, errorName: 'RecordNotFound' });
    });

    it('409 on a stale recordid is a version_conflict', async () => {
      const record = sim.getRecord(ORG, 'PFA-10002')!;
      sim.changeRecord(ORG, 'PFA-10002', { model: 'someone else' });
      const error = await failure(client.updateRecord(conn(), 'PFA-10002', record.recordid, { model: 'ours' }));
      expect(error).toMatchObject({ kind: 'version_conflict', status: 409, errorName: 'RecordUpdatedByAnotherUser' });
      expect(sim.getRecord(ORG, 'PFA-10002')!.data.model).toBe('someone else');
    });

    it('400 with the RecordUpdatedByAnotherUser ErrorAlert is a version_conflict too', async () => {
      sim.setConflictStatus(400);
      const record = sim.getRecord(ORG, 'PFA-10002')!;
      sim.changeRecord(ORG, 'PFA-10002', { model: 'someone else' });
      expect(await failure(client.updateRecord(conn(), 'PFA-10002', record.recordid, { model: 'ours' }))).toMatchObject({
        kind: 'version_conflict',
        status: 400,
        errorName: 'RecordUpdatedByAnotherUser',
      });
    });

    it('400 saying "updated by another user" without the name is a version_conflict', async () => {
      canned.answer = () => ({ status: 400, body: JSON.stringify({ ErrorAlert: [{ Name: 'WSError', Message: 'Record was updated by another user' }] }) });
      expect(await failure(client.updateRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1', 1, { model: 'x' }))).toMatchObject({
        kind: 'version_conflict',
        status: 400,
      });
    });

    it('429 above the server rate limit is retryable after Retry-After seconds', async () => {
      sim.setRateLimit(1);
      await client.getRecord(conn(), 'PFA-10001');
      expect(await failure(client.getRecord(conn(), 'PFA-10001'))).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 1000, errorName: 'RateLimitExceeded' });
      sim.setFaults({ statusShares: { 429: 1 }, retryAfterSeconds: 7 });
      sim.setRateLimit(null);
      expect(await failure(client.getRecord(conn(), 'PFA-10001'))).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 7000 });
    });

    it('a Retry-After beyond PEMS_RETRY_AFTER_MAX_MS (an hour) is cut to it', async () => {
      sim.setFaults({ statusShares: { 429: 1 }, retryAfterSeconds: 3_000_000 });
      expect(await failure(client.getRecord(conn(), 'PFA-10001'))).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 3_600_000 });
    });

    it('429 with Retry-After as an HTTP date', async () => {
      sim.setFaults({ statusShares: { 429: 1 }, retryAfterSeconds: 5, retryAfterAsHttpDate: true });
      const error = await failure(client.getRecord(conn(), 'PFA-10001'));
      expect(error).toMatchObject({ kind: 'retryable', status: 429 });
      expect(error.retryAfterMs).toBeGreaterThan(3500);
      expect(error.retryAfterMs).toBeLessThanOrEqual(6000);
    });

    it.each([500, 502, 503, 504] as const)('%i is retryable', async (status) => {
      sim.setFaults({ statusShares: { [status]: 1 } });
      expect(await failure(client.updateRecord(conn(), 'PFA-10001', 1, { model: 'x' }))).toMatchObject({ kind: 'retryable', status });
    });

    it('a gateway 502 with an HTML body is retryable', async () => {
      canned.answer = () => ({ status: 502, body: '<html><body>Bad Gateway</body></html>', headers: { 'Content-Type': 'text/html' } });
      expect(await failure(client.getRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1'))).toMatchObject({ kind: 'retryable', status: 502, errorName: null });
    });

    it('a timeout is retryable, and comes after the connection timeout', async () => {
      sim.setFaults({ timeoutShare: 1 });
      const started = performance.now();
      const error = await failure(client.getRecord(conn({ timeoutMs: 300 }), 'PFA-10001'));
      const elapsed = performance.now() - started;
      expect(error).toMatchObject({ kind: 'retryable', status: null });
      expect(error.message).toMatch(/timed out after 300 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(2000);
    });

    it('a dropped connection is retryable', async () => {
      sim.setFaults({ dropConnectionShare: 1 });
      const error = await failure(client.updateRecord(conn(), 'PFA-10001', 1, { model: 'x' }));
      expect(error).toMatchObject({ kind: 'retryable', status: null });
      expect(error.message).toMatch(/socket hang up|connection reset/);
    });

    it('a refused connection is retryable', async () => {
      const closed = new PemsSimulator();
      const { baseUrl } = await closed.start();
      await closed.stop();
      const error = await failure(client.getRecord(conn({ baseUrl }), 'PFA-10001'));
      expect(error).toMatchObject({ kind: 'retryable', status: null });
      expect(error.message).toMatch(/connection refused/);
    });

    it('an unreadable 200 is not retryable', async () => {
      canned.answer = () => ({ status: 200, body: '<html>maintenance</html>' });
      expect(await failure(client.getRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1'))).toMatchObject({ kind: 'not_retryable', status: 200 });
      canned.answer = () => ({ status: 200, body: JSON.stringify({ Result: { ResultData: {} } }) });
      expect(await failure(client.getRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1'))).toMatchObject({ kind: 'not_retryable', status: 200 });
      canned.answer = () => ({ status: 200, body: JSON.stringify({ Result: { ResultData: { DATARECORD: [{ DATAFIELD: [{ FIELDNAME: 'pfs_id', FIELDVALUE: 'A' }] }] } } }) });
      expect(await failure(client.listRecordsPage(conn({ baseUrl: canned.baseUrl }), 0, 10))).toMatchObject({ kind: 'not_retryable', status: 200 });
    });

    it('a 200 carrying an ErrorAlert is a failure, classified by the alert', async () => {
      canned.answer = () => ({
        status: 200,
        body: JSON.stringify({ ErrorAlert: [{ Name: 'RecordUpdatedByAnotherUser', Message: 'The record has been updated by another user.' }] }),
      });
      expect(await failure(client.updateRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1', 1, { model: 'x' }))).toMatchObject({ kind: 'version_conflict', status: 200 });
    });
  });

  describe('what PEMS may not do to us', () => {
    it("cannot forge log lines: an ErrorAlert's line breaks and terminal escapes are kept as escapes, and its length is capped", async () => {
      const forged = 'Bad value\n2026-11-30T00:00:00.000Z ERROR [Auth] admin logged in from 10.0.0.1\r\u001b[2J';
      canned.answer = () => ({ status: 400, body: JSON.stringify({ ErrorAlert: [{ Name: 'Bad\nName', Message: forged + 'x'.repeat(5000) }] }) });
      const error = await failure(client.getRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1'));
      // eslint-disable-next-line no-control-regex -- the escape character is what must not come through
      expect(error.message).not.toMatch(/[\n\r\u001b]/);
      expect(error.message).toContain('Bad value\\n2026-11-30T00:00:00.000Z ERROR');
      expect(error.errorName).toBe('Bad\\nName');
      expect(error.message.length).toBeLessThan(600);
    });

    it('cannot make us read an answer of any size: one larger than MAX_PEMS_ANSWER_BYTES is a PEMS error, not retried', async () => {
      const huge = JSON.stringify({ Result: { ResultData: { padding: 'x'.repeat(MAX_PEMS_ANSWER_BYTES) } } });
      canned.answer = () => ({ status: 200, body: huge });
      const error = await failure(client.getRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1'));
      expect(error).toMatchObject({ kind: 'not_retryable', message: expect.stringMatching(/larger than pems-sync reads/) });
    });

    it('a base URL PEMS_ALLOWED_HOSTS does not allow is not called, whatever is stored', async () => {
      sim.clearLog();
      const error = await failure(client.getRecord(conn({ baseUrl: sim.baseUrl.replace('127.0.0.1', 'localhost') }), 'PFA-10001'));
      expect(error).toMatchObject({ kind: 'not_retryable', message: expect.stringMatching(/not one of PEMS_ALLOWED_HOSTS/) });
      expect(sim.getLog()).toEqual([]);
    });
  });

  describe('what real EAM may send besides the contract form', () => {
    it('reads dates with a time part or as date objects, numbers as text, booleans as TRUE / 1 / Y', async () => {
      const p = (name: string, value: unknown) => ({ USERDEFINEDSCREENFIELDNAME: name, USERDEFINEDSCREENFIELDVALUE: value });
      canned.answer = () => ({
        status: 200,
        body: JSON.stringify({
          Result: {
            ResultData: {
              USERDEFINEDSCREENFIELDVALUELIST: {
                USERDEFINEDSCREENFIELDVALUEPAIR: [
                  p('PFS_ID', { TEXTDATA: 'PFA-1' }),
                  p('PFS_A_ORG', { TEXTDATA: ORG }),
                  p('RECORDID', { NUMERICDATA: '12' }),
                  p('pfs_f_source', { TEXTDATA: 'RENTAL' }),
                  p('PFS_F_RATE', { NUMERICDATA: '1234.50' }),
                  p('PFS_F_PURCHASE', { NUMERICDATA: null }),
                  p('PFS_F_STARTDATE', { DATETIMEDATA: '2025-02-01T00:00:00+01:00' }),
                  p('PFS_F_ENDDATE', { DATETIMEDATA: '2025-03-31 00:00:00.0' }),
                  p('PFS_P_STARTDATE', { DATETIMEDATA: { YEAR: 2025, MONTH: 1, DAY: 6, HOUR: 0, MINUTE: 0, SECOND: 0 } }),
                  p('PFS_P_ENDDATE', { DATETIMEDATA: '19-DEC-2025' }),
                  p('PFS_AC_STARTDATE', { TEXTDATA: '' }),
                  p('PFS_ACTUALIZED', { TEXTDATA: 'TRUE' }),
                  p('PFS_DISCONTINUED', { TEXTDATA: '0' }),
                  p('PFS_FUNDSTRANSFERABLE', { TEXTDATA: 'Y' }),
                  p('PFS_HASPLAN', { TEXTDATA: 'False' }),
                  p('PFS_MODEL', { NUMERICDATA: 336 }),
                  p('PFS_LASTMODIFIED', { TEXTDATA: '2025-04-02T10:11:12Z' }),
                ],
              },
            },
          },
        }),
      });
      expect(await client.getRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1')).toEqual({
        pfaId: 'PFA-1',
        version: 12,
        lastModified: '2025-04-02T10:11:12.000Z',
        data: {
          source: 'Rental',
          monthlyRate: 1234.5,
          purchasePrice: null,
          forecastStart: '2025-02-01',
          forecastEnd: '2025-03-31',
          originalStart: '2025-01-06',
          originalEnd: '2025-12-19',
          actualStart: null,
          isActualized: true,
          isDiscontinued: false,
          isFundsTransferable: true,
          hasPlan: false,
          model: '336',
        },
      });
    });

    it('reads a grid page with counts as text and a single record not in an array, and drops rows of another organization', async () => {
      const row = (id: string, org: string) => ({
        DATAFIELD: [
          { FIELDNAME: 'pfs_id', FIELDVALUE: id },
          { FIELDNAME: 'pfs_a_org', FIELDVALUE: org },
          { FIELDNAME: 'recordid', FIELDVALUE: '3' },
          { FIELDNAME: 'pfs_f_rate', FIELDVALUE: '' },
        ],
      });
      canned.answer = () => ({ status: 200, body: JSON.stringify({ Result: { ResultData: { DATARECORD: row('PFA-1', ORG), RECORDS: '40', NEXTCURSORPOSITION: '11' } } }) });
      expect(await client.listRecordsPage(conn({ baseUrl: canned.baseUrl }), 10, 25)).toEqual({
        records: [{ pfaId: 'PFA-1', version: 3, data: { monthlyRate: null }, lastModified: null }],
        total: 40,
        nextCursor: 11,
      });

      canned.answer = () => ({ status: 200, body: JSON.stringify({ Result: { ResultData: { DATARECORD: [row('PFA-2', ORG), row('PFA-3', 'OTHER')] } } }) });
      const page = await client.listRecordsPage(conn({ baseUrl: canned.baseUrl }), 10, 25);
      expect(page).toMatchObject({ total: null, nextCursor: null });
      expect(page.records.map((record) => record.pfaId)).toEqual(['PFA-2']);
    });

    it('follows NEXTCURSORPOSITION at or past RECORDS: the count is informative, only an omitted cursor ends the list', async () => {
      const answer = (resultData: object) => () => ({ status: 200, body: JSON.stringify({ Result: { ResultData: { DATARECORD: [], ...resultData } } }) });
      canned.answer = answer({ RECORDS: 25, NEXTCURSORPOSITION: 30 });
      expect(await client.listRecordsPage(conn({ baseUrl: canned.baseUrl }), 20, 10)).toEqual({ records: [], total: 25, nextCursor: 30 });
      canned.answer = answer({ RECORDS: 30, NEXTCURSORPOSITION: 30 });
      expect(await client.listRecordsPage(conn({ baseUrl: canned.baseUrl }), 20, 10)).toMatchObject({ total: 30, nextCursor: 30 });
      canned.answer = answer({ RECORDS: 0, NEXTCURSORPOSITION: '10' });
      expect(await client.listRecordsPage(conn({ baseUrl: canned.baseUrl }), 0, 10)).toMatchObject({ total: 0, nextCursor: 10 });
    });

    it.each([
      ['the same cursor again', 10],
      ['a cursor behind the page', 5],
      ['the start again', 0],
    ])('refuses a NEXTCURSORPOSITION that does not advance (%s): not retryable, naming it, never the end of the list', async (_label, next) => {
      canned.answer = () => ({ status: 200, body: JSON.stringify({ Result: { ResultData: { DATARECORD: [], RECORDS: 40, NEXTCURSORPOSITION: next } } }) });
      const error = await failure(client.listRecordsPage(conn({ baseUrl: canned.baseUrl }), 10, 25));
      expect(error.kind).toBe('not_retryable');
      expect(error.message).toContain(`NEXTCURSORPOSITION ${next} does not advance past the page's cursor 10`);
    });
  });

  describe('grid paging', () => {
    it('follows NEXTCURSORPOSITION when pages are smaller than asked, with records of the organization only', async () => {
      sim.seed('OTHER', 20);
      sim.setMaxGridPageSize(7);
      const pages = [];
      for (const page of await allPages(conn(), 10)) pages.push(page);

      expect(pages.map((page) => page.records.length)).toEqual([7, 7, 7, 7, 2]);
      expect(pages.map((page) => page.nextCursor)).toEqual([7, 14, 21, 28, null]);
      expect(pages.every((page) => page.total === 30)).toBe(true);
      const ids = pages.flatMap((page) => page.records.map((record) => record.pfaId));
      expect(new Set(ids)).toEqual(new Set(sim.listRecords(ORG, 0, 100).records.map((record) => record.pfaId)));
      expect(sim.getLog().map((entry) => [entry.cursor, entry.pageSize])).toEqual([
        [0, 10],
        [7, 10],
        [14, 10],
        [21, 10],
        [28, 10],
      ]);
    });
  });

  describe('rate limiting', () => {
    it("passes the tenant's gate before every HTTP call", async () => {
      const logSizes: number[] = [];
      const acquire = jest.spyOn(limiter, 'acquire').mockImplementation(async () => {
        logSizes.push(sim.getLog().length);
        return { abandonAt: Infinity, departed: () => undefined };
      });
      try {
        const record = await client.getRecord(conn(), 'PFA-10001');
        await client.updateRecord(conn(), 'PFA-10001', record.version, { model: 'gated' });
        await client.listRecordsPage(conn(), 0, 5);
        await failure(client.getRecord(conn(), 'PFA-404'));
        expect(acquire.mock.calls).toEqual(Array(4).fill([conn().tenantKey, 1000, undefined]));
        expect(logSizes).toEqual([0, 1, 2, 3]);
      } finally {
        acquire.mockRestore();
      }
    });

    it('tells the gate when each request left: after it was let through, before PEMS answered', async () => {
      limiter.departures.length = 0;
      const before = performance.now();
      await client.getRecord(conn(), 'PFA-10001');
      const after = performance.now();
      expect(limiter.departures).toHaveLength(1);
      expect(limiter.departures[0]).toBeGreaterThanOrEqual(before);
      expect(limiter.departures[0]).toBeLessThanOrEqual(after);
      // A request that never got out (connection refused) still tells: its permit is used up.
      await failure(client.getRecord(conn({ baseUrl: 'http://127.0.0.1:9/axis/restservices' }), 'PFA-10001'));
      expect(limiter.departures).toHaveLength(2);
    });

    it('a request whose permit ran out before it could leave never leaves: a retryable network error', async () => {
      limiter.abandonAfterMs = -1;
      try {
        const error = await failure(client.getRecord(conn(), 'PFA-10001'));
        expect(error).toMatchObject({ kind: 'retryable', status: null });
        expect(error.message).toMatch(/send slot passed/);
        expect(sim.getLog()).toEqual([]);
      } finally {
        limiter.abandonAfterMs = 60_000;
      }
    });

    it('a request whose permit ran out as it was made never leaves, on a kept-alive socket either: it is reported not sent, and PEMS never sees it', async () => {
      const pfaIds = sim.listRecords(ORG, 0, 30).records.map((record) => record.pfaId);
      // Every socket of the pool kept alive by a first round of writes.
      await Promise.all(pfaIds.map((pfaId) => client.updateRecord(conn(), pfaId, sim.getRecord(ORG, pfaId)!.recordid, { model: 'first round' })));
      sim.clearLog();
      limiter.abandonAfterMs = -1;
      try {
        const errors = await Promise.all(pfaIds.map((pfaId) => failure(client.updateRecord(conn(), pfaId, sim.getRecord(ORG, pfaId)!.recordid, { model: 'never sent' }))));
        expect(errors.every((error) => error.kind === 'retryable' && /not sent/.test(error.message))).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(sim.getLog()).toEqual([]);
        expect(pfaIds.map((pfaId) => sim.getRecord(ORG, pfaId)!.data.model)).toEqual(pfaIds.map(() => 'first round'));
      } finally {
        limiter.abandonAfterMs = 60_000;
      }
    });

    it('a paused tenant (a Retry-After longer than a caller waits) fails the call as tenant_paused, without sending it', async () => {
      const acquire = jest.spyOn(limiter, 'acquire').mockRejectedValue(new PemsTenantPausedError(120_000));
      try {
        const error = await failure(client.getRecord(conn(), 'PFA-10001'));
        expect(error).toMatchObject({ kind: 'tenant_paused', retryAfterMs: 120_000, status: null });
        expect(sim.getLog()).toEqual([]);
      } finally {
        acquire.mockRestore();
      }
    });
  });

  describe('credentials', () => {
    it('never appear in a log line or a PemsApiError (password, API key, Basic token)', async () => {
      // A server that echoes the credentials it received back in its error message.
      canned.answer = (req) => ({
        status: 400,
        body: JSON.stringify({ ErrorAlert: [{ Name: 'Echo', Message: `bad request with ${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''}` }] }),
      });
      await failure(client.getRecord(conn({ baseUrl: canned.baseUrl }), 'PFA-1'));
      await failure(client.getRecord(apiKeyConn({ baseUrl: canned.baseUrl }), 'PFA-1'));

      expect(failures.length).toBeGreaterThan(25);
      expect(logger.lines.length).toBeGreaterThan(25);
      const everything = [...logger.lines, ...failures.flatMap((error) => [error.message, error.stack ?? '', JSON.stringify(error), String(error)])].join('\n');
      for (const secret of [PASSWORD, API_KEY, BASIC_TOKEN, `${USERNAME}:${PASSWORD}`]) expect(everything).not.toContain(secret);
      expect(failures.every((error) => (error as Error & { cause?: unknown }).cause === undefined)).toBe(true);
    });
  });
});
