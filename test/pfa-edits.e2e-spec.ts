import request from 'supertest';
import { Organization } from '../src/organizations/entities/organization.entity';
import { PfaModification } from '../src/pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../src/pfa/entities/pfa-record.entity';
import { cleanDatabase } from './support/clean-database';
import { Fixtures, TestUser, craneData } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

describe('PFA records and edits (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let rio: Organization;
  let alice: TestUser;
  let bob: TestUser;
  let crane: PfaRecord;

  beforeAll(async () => {
    testApp = await createTestApp();
    fixtures = new Fixtures(testApp);
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    rio = await fixtures.organization('RIO');
    alice = await fixtures.user('alice', [[rio, ['perm_Read', 'perm_Edit']]]);
    bob = await fixtures.user('bob', [[rio, ['perm_Read', 'perm_Edit']]]);
    crane = await fixtures.record(rio, 'PFA-1001', craneData(), 7);
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const patch = (who: TestUser, body: object, id = crane.id) => http().patch(`/api/pfa/${id}`).set('Authorization', `Bearer ${who.token}`).send(body);
  const modifications = () => testApp.dataSource.getRepository(PfaModification).find({ order: { createdAt: 'ASC' } });

  it('creates a pending modification with the values the user saw and the base version', async () => {
    const response = await patch(alice, { changes: { monthlyRate: 15000, forecastEnd: '2026-12-15' }, changeReason: 'Longer hire' }).expect(201);
    expect(response.body).toMatchObject({
      recordId: crane.id,
      pfaId: 'PFA-1001',
      username: 'alice',
      status: 'pending',
      changes: { monthlyRate: 15000, forecastEnd: '2026-12-15' },
      baseValues: { monthlyRate: 12000, forecastEnd: '2026-11-30' },
      baseVersion: 7,
      changeReason: 'Longer hire',
    });

    const list = await http().get('/api/pfa').query({ organizationId: rio.id }).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      pfaId: 'PFA-1001',
      syncState: 'pending',
      values: { monthlyRate: 15000, forecastEnd: '2026-12-15', model: 'LR 1300' },
      pemsValues: { monthlyRate: 12000 },
    });
    expect(list.body.items[0].changedFields.sort()).toEqual(['forecastEnd', 'monthlyRate']);
  });

  it('answers 400 with every validation error at once, and records nothing', async () => {
    const response = await patch(alice, {
      changes: { forecastStart: '2027-01-01', monthlyRate: -5, source: 'Lease', originalStart: '2026-01-02', colour: 'red', forecastEnd: '2025-02-30' },
    }).expect(400);
    const codes = response.body.errors.map((error: { field: string; code: string }) => `${error.field}:${error.code}`);
    expect(codes).toEqual(
      expect.arrayContaining(['monthlyRate:INVALID_VALUE', 'source:INVALID_ENUM_VALUE', 'originalStart:READ_ONLY_FIELD', 'colour:UNKNOWN_FIELD', 'forecastEnd:INVALID_DATE']),
    );
    expect(await modifications()).toHaveLength(0);
  });

  it('checks a new date against the stored one and refuses an edit that changes nothing', async () => {
    const order = await patch(alice, { changes: { forecastStart: '2026-12-01' } }).expect(400);
    expect(order.body.errors).toEqual([expect.objectContaining({ field: 'forecastStart', code: 'INVALID_DATE_ORDER' })]);
    const same = await patch(alice, { changes: { monthlyRate: 12000 } }).expect(400);
    expect(same.body.errors).toEqual([expect.objectContaining({ code: 'NO_CHANGE' })]);
    await patch(alice, { changes: {} }).expect(400);
    expect(await modifications()).toHaveLength(0);
  });

  it('folds a second edit by the same user into their pending modification, keeping the first base', async () => {
    const first = await patch(alice, { changes: { monthlyRate: 15000 } }).expect(201);
    const second = await patch(alice, { changes: { monthlyRate: 16000, model: 'LR 1350' } }).expect(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.changes).toEqual({ monthlyRate: 16000, model: 'LR 1350' });
    expect(second.body.baseValues).toEqual({ monthlyRate: 12000, model: 'LR 1300' });
    expect(await modifications()).toHaveLength(1);
  });

  it("bases another user's edit on the effective values, including the first user's pending edit", async () => {
    await patch(alice, { changes: { monthlyRate: 15000 } }).expect(201);
    const bobs = await patch(bob, { changes: { monthlyRate: 17000 } }).expect(201);
    expect(bobs.body.baseValues).toEqual({ monthlyRate: 15000 });
    expect(await modifications()).toHaveLength(2);
    const detail = await http().get(`/api/pfa/${crane.id}`).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(detail.body.values.monthlyRate).toBe(17000);
    expect(detail.body.modifications.map((m: { username: string }) => m.username)).toEqual(['bob', 'alice']);
    expect(detail.body.history).toEqual([expect.objectContaining({ version: 7, source: 'read_sync' })]);
  });

  it('discards a modification whose every change was edited back to its base', async () => {
    await patch(alice, { changes: { monthlyRate: 15000 } }).expect(201);
    const back = await patch(alice, { changes: { monthlyRate: 12000 } }).expect(201);
    expect(back.body.status).toBe('discarded');
    const list = await http().get('/api/pfa').query({ organizationId: rio.id }).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(list.body.items[0].syncState).toBe('synced');
  });

  it('keeps one modification when the same user sends two edits at once', async () => {
    const answers = await Promise.all([patch(alice, { changes: { monthlyRate: 15000 } }), patch(alice, { changes: { model: 'LR 1350' } })]);
    expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
    const rows = await modifications();
    expect(rows).toHaveLength(1);
    expect(rows[0].changes).toEqual({ monthlyRate: 15000, model: 'LR 1350' });
  });

  it('lists and discards modifications; a discarded one cannot be discarded again', async () => {
    const created = await patch(alice, { changes: { monthlyRate: 15000 } }).expect(201);
    const list = await http().get('/api/pfa/modifications').query({ organizationId: rio.id, status: 'pending' }).set('Authorization', `Bearer ${bob.token}`).expect(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, pageSize: 50, items: [{ id: created.body.id, pfaId: 'PFA-1001', status: 'pending' }] });

    const discarded = await http().delete(`/api/pfa/modifications/${created.body.id}`).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(discarded.body.status).toBe('discarded');
    await http().delete(`/api/pfa/modifications/${created.body.id}`).set('Authorization', `Bearer ${alice.token}`).expect(409);
    const pending = await http().get('/api/pfa/modifications').query({ organizationId: rio.id, status: 'pending' }).set('Authorization', `Bearer ${bob.token}`).expect(200);
    expect(pending.body.total).toBe(0);
  });

  it('pages and searches the records', async () => {
    for (let index = 0; index < 12; index += 1) {
      await fixtures.record(rio, `PFA-2${String(index).padStart(3, '0')}`, craneData({ manufacturer: index % 2 ? 'Caterpillar' : 'Komatsu', category: 'Excavators' }));
    }
    const page2 = await http().get('/api/pfa').query({ organizationId: rio.id, page: 2, pageSize: 5 }).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(page2.body).toMatchObject({ total: 13, page: 2, pageSize: 5 });
    expect(page2.body.items.map((item: { pfaId: string }) => item.pfaId)).toEqual(['PFA-2004', 'PFA-2005', 'PFA-2006', 'PFA-2007', 'PFA-2008']);
    const caterpillars = await http().get('/api/pfa').query({ organizationId: rio.id, search: 'caterp' }).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(caterpillars.body.total).toBe(6);
    const wildcard = await http().get('/api/pfa').query({ organizationId: rio.id, search: '%' }).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(wildcard.body.total).toBe(0);
  });

  it('refuses edits of a record PEMS no longer has', async () => {
    await testApp.dataSource.query('UPDATE pfa_records SET deleted_in_pems_at = now() WHERE id = $1', [crane.id]);
    const response = await patch(alice, { changes: { monthlyRate: 15000 } }).expect(409);
    expect(response.body.code).toBe('RECORD_DELETED_IN_PEMS');
  });
});
