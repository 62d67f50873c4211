import { JwtService } from '@nestjs/jwt';
import { AddressInfo } from 'node:net';
import { Organization } from '../src/organizations/entities/organization.entity';
import { SyncEventsService } from '../src/sync-events/sync-events.service';
import { cleanDatabase } from './support/clean-database';
import { EventStream } from './support/event-stream';
import { Fixtures, TestUser } from './support/fixtures';
import { TestApp, createTestApp } from './support/test-app';

describe('security: event streams are authorized while they last, and capped (e2e)', () => {
  let testApp: TestApp;
  let fixtures: Fixtures;
  let baseUrl: string;
  let rio: Organization;
  let reader: TestUser;
  const open: EventStream[] = [];

  beforeAll(async () => {
    // Checked again every second here (30 s by default); two streams per user.
    testApp = await createTestApp({ EVENT_STREAM_RECHECK_MS: '1000', EVENT_STREAMS_PER_USER: '2' });
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as AddressInfo).port}`;
    fixtures = new Fixtures(testApp);
  });
  beforeEach(async () => {
    await cleanDatabase(testApp.dataSource);
    rio = await fixtures.organization('RIO');
    reader = await fixtures.user('reader', [[rio, ['perm_Read']]]);
  });
  afterEach(() => {
    open.splice(0).forEach((stream) => stream.close());
  });
  afterAll(() => testApp.close());

  const openStream = async (label: string, who: Pick<TestUser, 'token'> = reader) => {
    const stream = await EventStream.open(baseUrl, rio, who, label);
    open.push(stream);
    return stream;
  };
  const publish = (detail: string) => testApp.app.get(SyncEventsService).publish({ type: 'sync.completed', organizationId: rio.id, detail });
  const closedReason = (stream: EventStream) => (stream.events.find((event) => event.type === 'stream.closed')?.data as unknown as { reason: string } | undefined)?.reason;

  it('delivers events while the permission holds, and closes, sending nothing more, once it is taken away', async () => {
    const stream = await openStream('reader');
    await publish('first');
    await stream.waitFor((event) => event.type === 'sync.completed', 'the first event');

    await testApp.dataSource.query('UPDATE user_organizations SET perm_read = false WHERE user_id = $1', [reader.user.id]);
    await publish('second');
    await stream.waitForEnd(5_000);
    expect(stream.events.filter((event) => event.type === 'sync.completed').map((event) => event.data.detail)).toEqual(['first']);
    expect(closedReason(stream)).toMatch(/no longer holds perm_Read/);
  });

  it('closes within the recheck interval when the user is deactivated, with no event to send', async () => {
    const stream = await openStream('reader');
    await testApp.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [reader.user.id]);
    await stream.waitForEnd(5_000);
    expect(closedReason(stream)).toMatch(/no longer active/);
  });

  it('closes when its token expires', async () => {
    const shortLived = await testApp.app.get(JwtService).signAsync({ sub: reader.user.id, username: 'reader', ver: reader.user.tokenVersion ?? 0 }, { expiresIn: 2 });
    const stream = await openStream('short-lived token', { token: shortLived });
    await stream.waitForEnd(6_000);
    expect(closedReason(stream)).toMatch(/token has expired/);
  });

  it('refuses a third stream of one user with 429, and takes a new one once one has closed', async () => {
    const first = await openStream('first');
    await openStream('second');
    await expect(openStream('third')).rejects.toThrow(/answered 429/);
    first.close();
    // The server hears the close and gives the slot back.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await openStream('again');
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const other = await fixtures.user('other-reader', [[rio, ['perm_Read']]]);
    await openStream('another user', other);
  });
});
