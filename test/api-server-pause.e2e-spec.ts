import { SIM_CREDENTIALS } from './support/pems-simulator-fixture';
import { WriteSyncHarness } from './support/write-sync-harness';

/**
 * An admin's new credentials end a pause for rejected ones in the same transaction that saves
 * them (write sync follows the API server's change), and the answer to the PUT shows the server
 * as it stands afterwards.
 */
describe('API server: a credentials pause and an admin change (e2e)', () => {
  let h: WriteSyncHarness;

  beforeAll(async () => {
    h = await WriteSyncHarness.start();
  });
  beforeEach(async () => {
    await h.reset(2);
    await h.holdServer();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('new credentials: the answer shows the pause ended', async () => {
    const response = await h.putApiServer({ username: SIM_CREDENTIALS.username, password: 'rotated-password' }).expect(200);
    expect(response.body.authPausedUntil).toBeNull();
    expect(response.body.authFailureMessage).toBeNull();
  });

  it('another change (the timeout): the pause stays, and the answer says so', async () => {
    const response = await h.putApiServer({ timeoutMs: 4000 }).expect(200);
    expect(new Date(response.body.authPausedUntil).getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(response.body.authFailureMessage).toBe('held by the test');
  });
});
