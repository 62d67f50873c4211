import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { SeedFileError, SeedService } from '../src/admin/seed/seed.service';
import { CliModule } from '../src/cli/cli.module';
import { CredentialsCipher } from '../src/organizations/credentials-cipher.service';
import { cleanDatabase } from './support/clean-database';
import { snapshotDatabase } from './support/database-snapshot';

/** The operators' seed file (SPEC §2): organizations with their PEMS API server, users and memberships. */
const PEMS_PASSWORD = 'Rio-PEMS-p4ssw0rd!';
const PEMS_API_KEY = 'hou-api-key-5f0c1e9a7b';
const exampleFile = () => ({
  organizations: [
    {
      code: 'RIO',
      name: 'Rio Tinto expansion',
      apiServer: {
        name: 'PEMS production',
        baseUrl: 'https://us1.eam.hxgnsmartcloud.com:443/axis/restservices',
        tenant: 'ACME_PRD',
        authType: 'basic',
        username: 'svc-pems-rio',
        password: PEMS_PASSWORD,
        writeEnabled: true,
        rateLimitPerSecond: 10,
      },
    },
    {
      code: 'HOU',
      name: 'Houston refinery',
      apiServer: { name: 'PEMS test', baseUrl: 'https://test.eam.example.com/axis/restservices', tenant: 'ACME_TST', authType: 'api_key', apiKey: PEMS_API_KEY },
    },
  ],
  users: [
    { username: 'admin', email: 'admin@example.com', password: 'change-me-admin-password', isSuperadmin: true },
    {
      username: 'planner',
      email: 'planner@example.com',
      password: 'planner-password-1',
      organizations: [
        { code: 'RIO', permissions: ['perm_Read', 'perm_Edit', 'perm_Sync'] },
        { code: 'HOU', permissions: ['perm_Read'] },
      ],
    },
  ],
});

const SEEDED_TABLES = ['organizations', 'api_servers', 'users', 'user_organizations'];

describe('seeding (e2e)', () => {
  // The SeedService as the CLI wires it (CliModule): the HTTP app does not carry it.
  let cli: TestingModule;
  let seed: SeedService;
  let dataSource: DataSource;

  beforeAll(async () => {
    cli = await Test.createTestingModule({ imports: [CliModule] }).compile();
    await cli.init();
    seed = cli.get(SeedService);
    dataSource = cli.get(DataSource);
  });
  beforeEach(() => cleanDatabase(dataSource));
  afterAll(() => cli.close());

  /** Every column of every seeded row, password hashes and encrypted credentials included. */
  const dump = async () =>
    Object.fromEntries(await Promise.all(SEEDED_TABLES.map(async (table) => [table, await dataSource.query(`SELECT * FROM "${table}" ORDER BY id`)] as const)));

  it('creates everything on the first run', async () => {
    const report = await seed.seed(exampleFile());
    expect(report).toEqual([
      { kind: 'organization', name: 'RIO', outcome: 'created' },
      { kind: 'api server', name: 'PEMS production (RIO)', outcome: 'created' },
      { kind: 'organization', name: 'HOU', outcome: 'created' },
      { kind: 'api server', name: 'PEMS test (HOU)', outcome: 'created' },
      { kind: 'user', name: 'admin', outcome: 'created' },
      { kind: 'user', name: 'planner', outcome: 'created' },
      { kind: 'membership', name: 'planner in RIO', outcome: 'created' },
      { kind: 'membership', name: 'planner in HOU', outcome: 'created' },
    ]);
    const memberships = await dataSource.query(
      'SELECT o.code, m.perm_read, m.perm_edit, m.perm_sync, m.perm_admin FROM user_organizations m JOIN organizations o ON o.id = m.organization_id ORDER BY o.code',
    );
    expect(memberships).toEqual([
      { code: 'HOU', perm_read: true, perm_edit: false, perm_sync: false, perm_admin: false },
      { code: 'RIO', perm_read: true, perm_edit: true, perm_sync: true, perm_admin: false },
    ]);
    const [admin] = await dataSource.query("SELECT is_superadmin FROM users WHERE username = 'admin'");
    expect(admin.is_superadmin).toBe(true);
  });

  it('reports every line unchanged on a second run and leaves the database identical, hashes and ciphertexts included', async () => {
    await seed.seed(exampleFile());
    const first = await dump();
    const report = await seed.seed(exampleFile());
    expect(report).toHaveLength(8);
    expect(report.filter((line) => line.outcome !== 'unchanged')).toEqual([]);
    expect(await dump()).toEqual(first);
  });

  it('updates only what the file changes on a later run', async () => {
    await seed.seed(exampleFile());
    const before = await dump();
    const file = exampleFile();
    file.organizations[0].name = 'Rio Tinto expansion, phase 2';
    file.users[1].organizations![1].permissions = ['perm_Read', 'perm_Edit'];
    const report = await seed.seed(file);
    expect(report.filter((line) => line.outcome !== 'unchanged')).toEqual([
      { kind: 'organization', name: 'RIO', outcome: 'updated' },
      { kind: 'membership', name: 'planner in HOU', outcome: 'updated' },
    ]);
    const after = await dump();
    expect(after.users).toEqual(before.users);
    expect(after.api_servers).toEqual(before.api_servers);
  });

  it('refuses a user with a membership in an unknown organization whole, writing nothing', async () => {
    const file = exampleFile();
    file.users[1].organizations!.push({ code: 'NOWHERE', permissions: ['perm_Read'] });
    const before = await snapshotDatabase(dataSource);
    const refusal = await seed.seed(file).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(SeedFileError);
    expect((refusal as SeedFileError).problems).toEqual([expect.stringContaining('NOWHERE')]);
    expect(await snapshotDatabase(dataSource)).toEqual(before);
    expect(await dataSource.query('SELECT count(*)::int AS count FROM organizations')).toEqual([{ count: 0 }]);
  });

  it('lists every problem of an invalid file at once and writes nothing', async () => {
    const file = exampleFile() as unknown as { organizations: Array<Record<string, unknown>>; users: Array<Record<string, unknown>> };
    file.organizations[1].code = 'RIO';
    file.users[0].password = 'short';
    file.users[1].organizations = [{ code: 'RIO', permissions: ['perm_Everything'] }];
    const refusal = (await seed.seed(file).catch((error: unknown) => error)) as SeedFileError;
    expect(refusal).toBeInstanceOf(SeedFileError);
    expect(refusal.problems).toEqual(
      expect.arrayContaining([expect.stringContaining('RIO appears twice'), expect.stringContaining('password'), expect.stringContaining('permissions')]),
    );
    expect(await dataSource.query('SELECT count(*)::int AS count FROM organizations')).toEqual([{ count: 0 }]);
  });

  it('never stores the PEMS password, the API key or a user password in clear text', async () => {
    await seed.seed(exampleFile());
    await seed.seed(exampleFile());
    const everything = JSON.stringify(await dump());
    for (const secret of [PEMS_PASSWORD, PEMS_API_KEY, 'change-me-admin-password', 'planner-password-1']) {
      expect(everything).not.toContain(secret);
    }
    // ...yet the service can still use them.
    const [rio] = await dataSource.query("SELECT s.credentials_encrypted FROM api_servers s JOIN organizations o ON o.id = s.organization_id WHERE o.code = 'RIO'");
    expect(cli.get(CredentialsCipher).decrypt(rio.credentials_encrypted)).toEqual({ username: 'svc-pems-rio', password: PEMS_PASSWORD });
  });

  describe('the CLI', () => {
    let directory: string;
    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), 'pems-sync-seed-'));
    });
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('seeds from a file with `cli seed <file>`, printing one line per entry and exiting 0; exits 1 naming the problem for a bad file', async () => {
      const path = join(directory, 'seed.json');
      writeFileSync(path, JSON.stringify(exampleFile(), null, 2));
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: process.env.DATABASE_URL,
        NODE_ENV: 'test',
        JWT_SECRET: process.env.JWT_SECRET,
        CREDENTIALS_KEY: process.env.CREDENTIALS_KEY,
        LOG_FILE: process.env.LOG_FILE,
        DATA_DIR: process.env.DATA_DIR,
        PEMS_ALLOWED_HOSTS: process.env.PEMS_ALLOWED_HOSTS,
        // The command operators run, without ts-node's type check (tsc covers that): 3 s a run instead of 6.
        TS_NODE_TRANSPILE_ONLY: 'true',
      };
      const run = () =>
        promisify(execFile)('npx', ['ts-node', '-r', 'tsconfig-paths/register', 'src/cli/cli.ts', 'seed', path], { cwd: join(__dirname, '..'), env, timeout: 90_000 });

      // execFile rejects on a non-zero exit code: resolving means exit 0.
      const first = await run();
      expect(first.stdout).toContain('created   organization RIO');
      expect(first.stdout).toContain('created   api server PEMS production (RIO)');
      expect(first.stdout).toContain('created   membership planner in HOU');
      expect(first.stdout).toContain(`Seeded ${path}: 8 created, 0 updated, 0 unchanged`);
      expect(first.stdout + first.stderr).not.toContain(PEMS_PASSWORD);
      expect(await dataSource.query('SELECT code FROM organizations ORDER BY code')).toEqual([{ code: 'HOU' }, { code: 'RIO' }]);

      writeFileSync(
        path,
        JSON.stringify({ users: [{ username: 'x', email: 'x@example.com', password: 'long-enough-password', organizations: [{ code: 'NOWHERE', permissions: [] }] }] }),
      );
      const refused = await run().then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('NOWHERE') });
    }, 120_000);
  });
});
