import { AUDIT_ENTRIES, withoutSecrets } from './audit-entries';

describe('audit entries', () => {
  it('drops fields that name a secret, at any depth, and keeps lists of field names', () => {
    expect(
      withoutSecrets({
        username: 'svc',
        password: 'x',
        apiKey: 'y',
        nested: { api_key: 'z', clientSecret: 'w', accessToken: 'v', kept: 1 },
        list: [{ credentials: { password: 'u' }, name: 'a' }],
        changedFields: ['credentials', 'password', 'name'],
      }),
    ).toEqual({ username: 'svc', nested: { kept: 1 }, list: [{ name: 'a' }], changedFields: ['credentials', 'password', 'name'] });
  });

  it('takes a new user without the password', () => {
    const facts = AUDIT_ENTRIES['admin.user.create']({
      params: {},
      body: { username: 'new', email: 'n@example.com', password: 'secret', organizationId: 'o', permissions: ['perm_Read'] },
      answer: { userId: 'u1', username: 'new' },
      added: {},
    });
    expect(facts).toEqual({ target: 'u1', detail: { username: 'new', email: 'n@example.com', permissions: ['perm_Read'] } });
  });

  it('takes a batch cancel (ids or a filter, answered with counts) as well as a single one', () => {
    expect(
      AUDIT_ENTRIES['queue.cancel']({
        params: {},
        body: { organizationId: 'o', filter: { status: 'pending' } },
        answer: { cancelledCount: 3, skipped: [{ id: 'a', reason: 'r' }] },
        added: {},
      }),
    ).toEqual({ target: null, detail: { filter: { status: 'pending' }, cancelledCount: 3, skippedCount: 1 } });
    expect(AUDIT_ENTRIES['queue.cancel']({ params: { id: 'i1' }, body: {}, answer: { id: 'i1', pfaId: 'PFA-1', priority: 5 }, added: {} })).toEqual({
      target: 'i1',
      detail: { pfaId: 'PFA-1' },
    });
  });

  it('keeps the first hundred ids of a long list, and how many there were', () => {
    const ids = Array.from({ length: 250 }, (_, index) => `id-${index}`);
    const facts = AUDIT_ENTRIES['write-sync.send']({
      params: {},
      body: { organizationId: 'o', modificationIds: ids },
      answer: { jobId: 'j', queuedCount: 250, success: true },
      added: {},
    });
    expect(facts.detail).toEqual({ modificationIds: ids.slice(0, 100), modificationIdsTotal: 250, queuedCount: 250 });
  });
});
