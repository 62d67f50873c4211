import { setTimeout as sleep } from 'node:timers/promises';
import { PemsSimulator } from './pems-simulator';

/**
 * The simulator over real HTTP, as any PEMS client sees it: the contract endpoints, the
 * rate limit, credentials, conflicts, faults and the /__sim control API.
 */
const TENANT = 'ACME_TENANT';
const CREDENTIALS = { username: 'planner', password: 'pa55-word-for-sim', apiKey: 'sim-key-0123456789' };
const ORG = 'RIO';

const BASIC = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`;
const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json', tenant: TENANT, organization: ORG, Authorization: BASIC };

type Value = Record<string, unknown>;
const pair = (name: string, value: Value) => ({ USERDEFINEDSCREENFIELDNAME: name, USERDEFINEDSCREENFIELDVALUE: value });

function screen(action: 'GET' | 'UPDATE', pfaId: string, extra: ReturnType<typeof pair>[] = [], org = ORG) {
  return {
    USERDEFINEDSCREENNAME: 'CUPFA2',
    USERDEFINEDSERVICEACTION: action,
    USERDEFINEDSCREENFIELDVALUELIST: {
      USERDEFINEDSCREENFIELDVALUEPAIR: [pair('PFS_ID', { TEXTDATA: pfaId }), pair('PFS_A_ORG', { TEXTDATA: org }), ...extra],
    },
  };
}

function grid(cursor: number, rows: number) {
  return { GRID: { GRID_NAME: 'CUPFAG', NUMBER_OF_ROWS_FIRST_RETURNED: rows, CURSOR_POSITION: cursor }, GRID_TYPE: { TYPE: 'LIST' }, REQUEST_TYPE: 'LIST.HEAD_DATA.STORED' };
}

function pairsOf(body: any): Record<string, Value> {
  return Object.fromEntries(
    body.Result.ResultData.USERDEFINEDSCREENFIELDVALUELIST.USERDEFINEDSCREENFIELDVALUEPAIR.map((p: any) => [p.USERDEFINEDSCREENFIELDNAME, p.USERDEFINEDSCREENFIELDVALUE]),
  );
}

describe('PemsSimulator', () => {
  let sim: PemsSimulator;
  let baseUrl: string;
  let root: string;

  async function call(path: 'userdefinedscreenservices' | 'griddata', body: unknown, headers: Record<string, string> = HEADERS) {
    const response = await fetch(`${baseUrl}/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  async function control(method: string, path: string, body?: unknown) {
    const response = await fetch(`${root}/__sim${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    sim = new PemsSimulator({ tenants: { [TENANT]: CREDENTIALS }, rateLimitPerSecond: null });
    ({ baseUrl } = await sim.start());
    root = new URL(baseUrl).origin;
  });

  afterAll(() => sim.stop());

  beforeEach(() => {
    sim.reset();
    sim.setRateLimit(null);
    sim.seed(ORG, 25, { seed: 7 });
  });

  describe('screen service', () => {
    it('answers GET with every field of the record, recordid included', async () => {
      const stored = sim.getRecord(ORG, 'PFA-10003')!;
      const { status, body } = await call('userdefinedscreenservices', screen('GET', 'PFA-10003'));

      expect(status).toBe(200);
      const pairs = pairsOf(body);
      expect(Object.keys(pairs)).toHaveLength(24);
      expect(pairs.PFS_ID).toEqual({ TEXTDATA: 'PFA-10003' });
      expect(pairs.recordid).toEqual({ NUMERICDATA: stored.recordid });
      expect(pairs.PFS_CATEGORY).toEqual({ TEXTDATA: stored.data.category });
      expect(pairs.PFS_F_STARTDATE).toEqual({ DATETIMEDATA: stored.data.forecastStart });
      expect(pairs.PFS_HASPLAN).toEqual({ TEXTDATA: 'true' });
      expect(pairs.PFS_LASTMODIFIED).toEqual({ TEXTDATA: stored.lastModified });
    });

    it('UPDATE applies only the sent fields, moves recordid on by one and returns the whole record', async () => {
      const before = sim.getRecord(ORG, 'PFA-10001')!;
      const { status, body } = await call(
        'userdefinedscreenservices',
        screen('UPDATE', 'PFA-10001', [
          pair('recordid', { NUMERICDATA: before.recordid }),
          pair('PFS_F_ENDDATE', { DATETIMEDATA: '2027-01-31' }),
          pair('PFS_MODEL', {}),
          pair('PFS_FUNDSTRANSFERABLE', { TEXTDATA: 'true' }),
        ]),
      );

      expect(status).toBe(200);
      const after = sim.getRecord(ORG, 'PFA-10001')!;
      expect(after.recordid).toBe(before.recordid + 1);
      expect(after.data).toEqual({ ...before.data, forecastEnd: '2027-01-31', model: null, isFundsTransferable: true });
      expect(after.lastModified > before.lastModified).toBe(true);
      expect(pairsOf(body).recordid).toEqual({ NUMERICDATA: before.recordid + 1 });
      expect(pairsOf(body).PFS_MODEL).toEqual({});
      expect(Object.keys(pairsOf(body))).toHaveLength(24);
    });

    it('answers a stale recordid with 409 and the exact ErrorAlert, or 400 in conflict-as-400 mode', async () => {
      const before = sim.getRecord(ORG, 'PFA-10002')!;
      sim.changeRecord(ORG, 'PFA-10002', { model: 'Changed in PEMS' });
      const update = screen('UPDATE', 'PFA-10002', [pair('recordid', { NUMERICDATA: before.recordid }), pair('PFS_MODEL', { TEXTDATA: 'Ours' })]);

      const conflict = await call('userdefinedscreenservices', update);
      expect(conflict).toMatchObject({
        status: 409,
        body: { ErrorAlert: [{ Name: 'RecordUpdatedByAnotherUser', Message: 'The record has been updated by another user.' }] },
      });

      sim.setConflictStatus(400);
      const asBadRequest = await call('userdefinedscreenservices', update);
      expect(asBadRequest.status).toBe(400);
      expect(asBadRequest.body).toEqual(conflict.body);
      expect(sim.getRecord(ORG, 'PFA-10002')!.data.model).toBe('Changed in PEMS');
    });

    it.each([
      [
        'PFS_A_ORG differs from the organization header',
        screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_MODEL', { TEXTDATA: 'x' })], 'OTHER'),
        'OrganizationMismatch',
      ],
      ['no field to change', screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 })]), 'NoFieldsToUpdate'],
      [
        'the read-only PFS_LASTMODIFIED',
        screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_LASTMODIFIED', { TEXTDATA: '2025-01-01T00:00:00Z' })]),
        'ReadOnlyField',
      ],
      ['an unknown field', screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_COLOUR', { TEXTDATA: 'red' })]), 'UnknownField'],
      ['a number sent as text', screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_F_RATE', { TEXTDATA: '100' })]), 'InvalidFieldValue'],
      ['an impossible date', screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_F_ENDDATE', { DATETIMEDATA: '2025-02-30' })]), 'InvalidFieldValue'],
      [
        'a date with a time part',
        screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_F_ENDDATE', { DATETIMEDATA: '2025-02-03T00:00:00' })]),
        'InvalidFieldValue',
      ],
      ['a value outside the enumeration', screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_F_SOURCE', { TEXTDATA: 'Lease' })]), 'InvalidFieldValue'],
      [
        'a boolean that is not "true"/"false"',
        screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_DISCONTINUED', { TEXTDATA: 'Y' })]),
        'InvalidFieldValue',
      ],
      ['no recordid', screen('UPDATE', 'PFA-10001', [pair('PFS_MODEL', { TEXTDATA: 'x' })]), 'MissingField'],
    ])('answers 400 for %s and changes nothing', async (_case, body, name) => {
      const before = sim.getRecord(ORG, 'PFA-10001');
      const { status, body: answer } = await call('userdefinedscreenservices', body);
      expect(status).toBe(400);
      expect(answer).toEqual({ ErrorAlert: [{ Name: name, Message: expect.any(String) }] });
      expect(sim.getRecord(ORG, 'PFA-10001')).toEqual(before);
    });

    it('answers 404 for an unknown record, and for a record of another organization', async () => {
      sim.seed('OTHER', 3);
      expect((await call('userdefinedscreenservices', screen('GET', 'PFA-99999'))).status).toBe(404);
      const otherOrg = await call('userdefinedscreenservices', screen('GET', 'PFA-10001', [], 'OTHER'), { ...HEADERS, organization: 'OTHER' });
      expect(otherOrg.status).toBe(200);
      sim.deleteRecord(ORG, 'PFA-10001');
      const { status, body } = await call('userdefinedscreenservices', screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: 1 }), pair('PFS_MODEL', { TEXTDATA: 'x' })]));
      expect(status).toBe(404);
      expect(body.ErrorAlert[0].Name).toBe('RecordNotFound');
    });
  });

  describe('grid', () => {
    it('pages with CURSOR_POSITION, caps pages and leaves NEXTCURSORPOSITION out on the last page', async () => {
      sim.seed('OTHER', 40);
      sim.setMaxGridPageSize(10);
      const seen: string[] = [];
      let cursor: number | undefined = 0;
      const pageSizes: number[] = [];
      while (cursor !== undefined) {
        const { status, body } = await call('griddata', grid(cursor, 500));
        expect(status).toBe(200);
        const rows = body.Result.ResultData.DATARECORD as { DATAFIELD: { FIELDNAME: string; FIELDVALUE: string }[] }[];
        expect(body.Result.ResultData.RECORDS).toBe(25);
        pageSizes.push(rows.length);
        for (const row of rows) {
          const fields = Object.fromEntries(row.DATAFIELD.map((f) => [f.FIELDNAME, f.FIELDVALUE]));
          expect(fields.pfs_a_org).toBe(ORG);
          seen.push(fields.pfs_id);
        }
        cursor = body.Result.ResultData.NEXTCURSORPOSITION;
      }
      expect(pageSizes).toEqual([10, 10, 5]);
      expect(new Set(seen).size).toBe(25);
    });

    it('strays from the contract only when asked: RECORDS understated, then a cursor that does not advance', async () => {
      sim.setMaxGridPageSize(10);
      const walk = async () => {
        const pages: Array<{ cursor: number; rows: number; records: unknown; next: unknown }> = [];
        let cursor: number | undefined = 0;
        while (cursor !== undefined && pages.length < 5) {
          const { status, body } = await call('griddata', grid(cursor, 500));
          expect(status).toBe(200);
          const data = body.Result.ResultData;
          pages.push({ cursor, rows: data.DATARECORD.length, records: data.RECORDS, next: data.NEXTCURSORPOSITION });
          cursor = data.NEXTCURSORPOSITION;
        }
        return pages;
      };

      expect(sim.getGridQuirks()).toEqual({});
      sim.setGridQuirks({ recordsReported: 12 });
      // RECORDS is only a number on the page: the cursor still walks every record.
      expect(await walk()).toEqual([
        { cursor: 0, rows: 10, records: 12, next: 10 },
        { cursor: 10, rows: 10, records: 12, next: 20 },
        { cursor: 20, rows: 5, records: 12, next: undefined },
      ]);

      sim.setGridQuirks({ stuckCursorAt: 10 });
      const stuck = await walk();
      expect(stuck[0]).toEqual({ cursor: 0, rows: 10, records: 25, next: 10 });
      expect(stuck.slice(1).every((page) => page.cursor === 10 && page.next === 10 && page.rows === 10)).toBe(true);

      sim.setGridQuirks({});
      expect((await walk()).map((page) => page.next)).toEqual([10, 20, undefined]);
    });

    it('sends every value as text in lower-case field names', async () => {
      sim.putRecord({ organization: ORG, pfaId: 'PFA-00001', recordid: 3, data: { monthlyRate: 1250.5, isDiscontinued: false, forecastStart: '2025-03-01', source: 'Rental' } });
      const { body } = await call('griddata', grid(0, 1));
      const fields = Object.fromEntries(body.Result.ResultData.DATARECORD[0].DATAFIELD.map((f: any) => [f.FIELDNAME, f.FIELDVALUE]));
      expect(fields).toMatchObject({
        pfs_id: 'PFA-00001',
        recordid: '3',
        pfs_f_rate: '1250.5',
        pfs_f_purchase: '',
        pfs_discontinued: 'false',
        pfs_f_startdate: '2025-03-01',
        pfs_f_source: 'Rental',
      });
    });
  });

  describe('credentials', () => {
    it('accepts Basic and X-Api-Key, answers 401 otherwise', async () => {
      const get = screen('GET', 'PFA-10001');
      const { Authorization: _basic, ...noAuth } = HEADERS;
      expect((await call('userdefinedscreenservices', get)).status).toBe(200);
      expect((await call('userdefinedscreenservices', get, { ...noAuth, 'X-Api-Key': CREDENTIALS.apiKey })).status).toBe(200);

      const refused = [
        { ...noAuth },
        { ...noAuth, 'X-Api-Key': 'wrong-key' },
        { ...HEADERS, Authorization: `Basic ${Buffer.from('planner:wrong').toString('base64')}` },
        { ...HEADERS, tenant: 'UNKNOWN_TENANT' },
      ];
      for (const headers of refused) {
        const { status, body } = await call('userdefinedscreenservices', get, headers);
        expect(status).toBe(401);
        expect(body.ErrorAlert[0].Name).toBe('InvalidCredentials');
      }
      expect(sim.getLog().map((entry) => entry.auth)).toEqual([
        { type: 'basic', username: 'planner' },
        { type: 'api_key' },
        null,
        { type: 'api_key' },
        { type: 'basic', username: 'planner' },
        { type: 'basic', username: 'planner' },
      ]);
    });

    it('takes new credentials per tenant through the control API', async () => {
      expect((await control('PUT', '/credentials', { tenant: 'SECOND', apiKey: 'second-tenant-key' })).status).toBe(200);
      const headers = { 'Content-Type': 'application/json', tenant: 'SECOND', organization: ORG, 'X-Api-Key': 'second-tenant-key' };
      expect((await call('userdefinedscreenservices', screen('GET', 'PFA-10001'), headers)).status).toBe(200);
      expect((await call('userdefinedscreenservices', screen('GET', 'PFA-10001'), { ...HEADERS, tenant: 'SECOND' })).status).toBe(401);
    });

    it('answers 401 to everything during an unauthorized window, then recovers', async () => {
      sim.setFaults({ unauthorizedForMs: 300 });
      expect((await call('userdefinedscreenservices', screen('GET', 'PFA-10001'))).status).toBe(401);
      await sleep(350);
      expect((await call('userdefinedscreenservices', screen('GET', 'PFA-10001'))).status).toBe(200);
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After above the per-tenant limit, counting refused requests too', async () => {
      sim.setRateLimit(5);
      const first = await Promise.all(Array.from({ length: 8 }, () => call('griddata', grid(0, 1))));
      const statuses = first.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const refused = first.find((answer) => answer.status === 429)!;
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.ErrorAlert[0].Name).toBe('RateLimitExceeded');

      // Another tenant has its own window.
      const { Authorization: _basic, ...noAuth } = HEADERS;
      await control('PUT', '/credentials', { tenant: 'SECOND', apiKey: 'second-tenant-key' });
      expect((await call('griddata', grid(0, 1), { ...noAuth, tenant: 'SECOND', 'X-Api-Key': 'second-tenant-key' })).status).toBe(200);

      // 600 ms later the window still holds the 8: refused requests count.
      await sleep(600);
      expect((await call('griddata', grid(0, 1))).status).toBe(429);
      // Once the first burst has aged out, the refused request of 600 ms is the only one left.
      await sleep(500);
      expect((await call('griddata', grid(0, 1))).status).toBe(200);
      expect(sim.getLog().filter((entry) => entry.tenant === TENANT)).toHaveLength(10);
    });

    it('answers Retry-After as an HTTP date when asked to', async () => {
      sim.setRateLimit(0);
      sim.setFaults({ retryAfterAsHttpDate: true });
      const { status, headers } = await call('griddata', grid(0, 1));
      expect(status).toBe(429);
      const retryAt = Date.parse(headers.get('retry-after')!);
      expect(retryAt).toBeGreaterThan(Date.now());
      expect(retryAt).toBeLessThanOrEqual(Date.now() + 2000);
    });
  });

  describe('faults', () => {
    it('answers shares of 500/503/429 from a seed, the same sequence for the same seed', async () => {
      const run = async () => {
        sim.setFaults({ statusShares: { 500: 0.2, 503: 0.2, 429: 0.2 }, seed: 99, retryAfterSeconds: 3 });
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await call('griddata', grid(0, 1))).status);
        return statuses;
      };
      const first = await run();
      expect(await run()).toEqual(first);
      expect(new Set(first)).toEqual(new Set([200, 429, 500, 503]));
      const injected429 = sim.getLog().find((entry) => entry.status === 429)!;
      expect(injected429.fault).toBe('injected_status');
    });

    it('drops connections, holds requests past any timeout, and adds latency', async () => {
      sim.setFaults({ dropConnectionShare: 1 });
      await expect(call('griddata', grid(0, 1))).rejects.toThrow();
      expect(sim.getLog().at(-1)).toMatchObject({ fault: 'dropped', status: null });

      sim.setFaults({ latencyMs: 150 });
      const started = performance.now();
      expect((await call('griddata', grid(0, 1))).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);

      sim.setFaults({ timeoutShare: 1 });
      const held = call('griddata', grid(0, 1)).then(
        () => 'answered',
        () => 'closed',
      );
      expect(await Promise.race([held, sleep(400).then(() => 'still waiting')])).toBe('still waiting');
      expect(sim.getLog().at(-1)).toMatchObject({ fault: 'timeout', status: null });
      // A held request must not keep the simulator from stopping: stop() closes it.
      await sim.stop();
      expect(await held).toBe('closed');
      ({ baseUrl } = await sim.start());
      root = new URL(baseUrl).origin;
    });

    it('applies an update and then loses the answer for the lost-response share', async () => {
      const before = sim.getRecord(ORG, 'PFA-10004')!;
      sim.setFaults({ lostResponseShare: 1 });
      await expect(
        call('userdefinedscreenservices', screen('UPDATE', 'PFA-10004', [pair('recordid', { NUMERICDATA: before.recordid }), pair('PFS_MODEL', { TEXTDATA: 'applied' })])),
      ).rejects.toThrow();
      expect(sim.getRecord(ORG, 'PFA-10004')).toMatchObject({ recordid: before.recordid + 1, data: { model: 'applied' } });
      expect(sim.getLog().at(-1)).toMatchObject({ fault: 'lost_response', status: null });
    });

    it('refuses shares outside 0..1 or adding up to more than 1', async () => {
      expect((await control('PUT', '/faults', { statusShares: { 500: 0.7, 503: 0.7 } })).status).toBe(400);
      expect((await control('PUT', '/faults', { timeoutShare: -1 })).status).toBe(400);
      expect((await control('PUT', '/faults', { statusShares: { 418: 0.5 } })).status).toBe(400);
    });
  });

  describe('request log', () => {
    it('records time, method, path, tenant, organization, action, keys, sent fields and status', async () => {
      const before = sim.getRecord(ORG, 'PFA-10001')!;
      await call('userdefinedscreenservices', screen('UPDATE', 'PFA-10001', [pair('recordid', { NUMERICDATA: before.recordid }), pair('PFS_F_RATE', { NUMERICDATA: 4200 })]));
      await call('griddata', grid(5, 3));
      const [update, list] = sim.getLog();
      expect(update).toMatchObject({
        method: 'POST',
        path: '/axis/restservices/userdefinedscreenservices',
        tenant: TENANT,
        organization: ORG,
        contentType: 'application/json',
        accept: 'application/json',
        action: 'UPDATE',
        pfaId: 'PFA-10001',
        recordid: before.recordid,
        fields: { PFS_F_RATE: { NUMERICDATA: 4200 } },
        status: 200,
      });
      expect(list).toMatchObject({ action: 'LIST', cursor: 5, pageSize: 3, status: 200 });
      expect(list.at).toBeGreaterThan(update.at);
      expect(Math.abs(update.at - Date.now())).toBeLessThan(5000);

      const { body } = await control('GET', `/log?since=${update.seq}`);
      expect(body).toEqual([list]);
      expect((await control('DELETE', '/log')).status).toBe(204);
      expect(sim.getLog()).toEqual([]);
    });
  });

  describe('control API', () => {
    it('seeds realistic, deterministic records', async () => {
      const seeded = await control('POST', '/seed', { organization: 'DEMO', count: 200, seed: 5 });
      expect(seeded).toEqual({ status: 200, body: { organization: 'DEMO', count: 200 } });
      const first = (await control('GET', '/records/DEMO?limit=200')).body;
      await control('POST', '/seed', { organization: 'DEMO', count: 200, seed: 5 });
      expect((await control('GET', '/records/DEMO?limit=200')).body).toEqual(first);
      await control('POST', '/seed', { organization: 'DEMO', count: 200, seed: 6 });
      expect((await control('GET', '/records/DEMO?limit=200')).body).not.toEqual(first);

      expect(first.total).toBe(200);
      const categories = new Set(first.records.map((r: any) => r.data.category));
      expect([...categories]).toEqual(expect.arrayContaining(['Cranes', 'Excavators', 'Power Generation']));
    });

    it('gets, puts, changes as another PEMS user and deletes one record', async () => {
      const put = await control('PUT', `/records/${ORG}/PFA-77`, { recordid: 4, data: { category: 'Cranes', monthlyRate: 30000, source: 'Rental' } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ organization: ORG, pfaId: 'PFA-77', recordid: 4, data: { category: 'Cranes', monthlyRate: 30000, model: null } });
      expect((await control('GET', `/records/${ORG}/PFA-77`)).body).toEqual(put.body);

      const changed = await control('POST', `/records/${ORG}/PFA-77/change`, { fields: { monthlyRate: 31000, isDiscontinued: true } });
      expect(changed.body).toMatchObject({ recordid: 5, data: { monthlyRate: 31000, isDiscontinued: true, category: 'Cranes' } });
      expect((await control('POST', `/records/${ORG}/PFA-77/change`, { fields: { monthlyRate: 'a lot' } })).status).toBe(400);
      expect((await control('POST', `/records/${ORG}/PFA-77/change`, { fields: { colour: 'red' } })).status).toBe(400);

      expect((await control('DELETE', `/records/${ORG}/PFA-77`)).status).toBe(204);
      expect((await control('GET', `/records/${ORG}/PFA-77`)).status).toBe(404);
      expect((await control('DELETE', `/records/${ORG}/PFA-77`)).status).toBe(404);
      expect((await control('POST', `/records/${ORG}/PFA-77/change`, { fields: { model: 'x' } })).status).toBe(404);
    });

    it('sets faults, rate limit, conflict status, grid page size, grid quirks and field map, and reset undoes them', async () => {
      expect((await control('PUT', '/faults', { statusShares: { 503: 1 } })).body).toMatchObject({ statusShares: { 503: 1 } });
      expect((await call('griddata', grid(0, 1))).status).toBe(503);
      expect((await control('DELETE', '/faults')).status).toBe(204);
      expect((await call('griddata', grid(0, 1))).status).toBe(200);

      expect((await control('PUT', '/rate-limit', { perSecond: 0 })).status).toBe(200);
      expect((await call('griddata', grid(0, 1))).status).toBe(429);
      expect((await control('PUT', '/rate-limit', { perSecond: null })).status).toBe(200);

      expect((await control('PUT', '/conflict-status', { status: 400 })).status).toBe(200);
      expect((await control('PUT', '/conflict-status', { status: 500 })).status).toBe(400);

      expect((await control('PUT', '/grid-page-size', { maxRows: 2 })).status).toBe(200);
      expect((await call('griddata', grid(0, 10))).body.Result.ResultData.DATARECORD).toHaveLength(2);

      const mapped = await control('PUT', '/field-map', { fieldMap: { monthlyRate: 'PFS_F_MONTHLYRATE' } });
      expect(mapped.body.monthlyRate).toBe('PFS_F_MONTHLYRATE');
      const got = await call('userdefinedscreenservices', screen('GET', 'PFA-10001'));
      expect(pairsOf(got.body)).toHaveProperty('PFS_F_MONTHLYRATE');
      expect(pairsOf(got.body)).not.toHaveProperty('PFS_F_RATE');
      expect((await control('PUT', '/field-map', { fieldMap: { monthlyRate: 'PFS_F_PURCHASE' } })).status).toBe(400);

      expect((await control('PUT', '/grid-quirks', { recordsReported: 3, stuckCursorAt: 0 })).body).toEqual({ recordsReported: 3, stuckCursorAt: 0 });
      expect((await control('GET', '/grid-quirks')).body).toEqual({ recordsReported: 3, stuckCursorAt: 0 });
      const quirky = (await call('griddata', grid(0, 1))).body.Result.ResultData;
      expect([quirky.RECORDS, quirky.NEXTCURSORPOSITION]).toEqual([3, 0]);
      expect((await control('DELETE', '/grid-quirks')).status).toBe(204);
      expect(sim.getGridQuirks()).toEqual({});
      expect((await control('PUT', '/grid-quirks', { recordsReported: 7 })).status).toBe(200);

      expect((await control('POST', '/reset')).status).toBe(204);
      expect(sim.getFieldMap().monthlyRate).toBe('PFS_F_RATE');
      expect(sim.getFaults()).toEqual({ statusShares: {} });
      expect(sim.getGridQuirks()).toEqual({});
      expect((await control('GET', `/records/${ORG}`)).body.total).toBe(0);
      expect(sim.getLog()).toEqual([]);
    });

    it('answers unknown control routes and bad bodies with 404 and 400', async () => {
      expect((await control('GET', '/nothing-here')).status).toBe(404);
      expect((await control('POST', '/seed', { organization: 'X', count: -1 })).status).toBe(400);
      expect((await control('PUT', '/rate-limit', { perSecond: 'fast' })).status).toBe(400);
      expect((await control('PUT', '/grid-quirks', { recordsReported: -1 })).status).toBe(400);
      expect((await control('PUT', '/grid-quirks', { stuckCursorAt: '10' })).status).toBe(400);
      expect((await control('PUT', '/grid-quirks', { skipPages: 1 })).status).toBe(400);
      expect(sim.getGridQuirks()).toEqual({});
    });
  });
});
