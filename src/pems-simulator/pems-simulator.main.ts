import { DEFAULT_SIMULATOR_BASE_PATH, DEFAULT_SIMULATOR_CREDENTIALS, DEFAULT_SIMULATOR_TENANT, PemsSimulator } from './pems-simulator';

/**
 * Standalone PEMS simulator: `npm run pems:sim -- --port 4010 --records 1000 --rate-limit 10`
 * (also --host, --tenant, --organization, --username, --password, --api-key, --seed, --base-path).
 */
const USAGE = `Usage: npm run pems:sim -- [--port 4010] [--host 127.0.0.1] [--records 1000] [--rate-limit 10|none]
  [--tenant ${DEFAULT_SIMULATOR_TENANT}] [--organization DEMO] [--username u] [--password p] [--api-key k]
  [--seed 42] [--base-path ${DEFAULT_SIMULATOR_BASE_PATH}]`;

const FLAGS = ['port', 'host', 'records', 'rate-limit', 'tenant', 'organization', 'username', 'password', 'api-key', 'seed', 'base-path'] as const;
type Flag = (typeof FLAGS)[number];

function parseArgs(argv: string[]): Partial<Record<Flag, string>> {
  const args: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split(/=(.*)/s, 2);
    if (!argv[i].startsWith('--') || !FLAGS.includes(name as Flag)) throw new Error(`Unknown argument ${argv[i]}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    args[name as Flag] = value;
  }
  return args;
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer`);
  return parsed;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tenant = args.tenant ?? DEFAULT_SIMULATOR_TENANT;
  const organization = args.organization ?? 'DEMO';
  const credentials = {
    username: args.username ?? DEFAULT_SIMULATOR_CREDENTIALS.username,
    password: args.password ?? DEFAULT_SIMULATOR_CREDENTIALS.password,
    apiKey: args['api-key'] ?? DEFAULT_SIMULATOR_CREDENTIALS.apiKey,
  };
  const rateLimit = args['rate-limit'] === 'none' ? null : integer('rate-limit', args['rate-limit'], 10);

  const simulator = new PemsSimulator({
    basePath: args['base-path'],
    tenants: { [tenant]: credentials },
    rateLimitPerSecond: rateLimit,
  });
  const records = integer('records', args.records, 1000);
  simulator.seed(organization, records, { seed: integer('seed', args.seed, 42) });
  const { baseUrl } = await simulator.start(integer('port', args.port, 4010), args.host ?? '127.0.0.1');

  // Printing the credentials is the point here: they are the simulator's own test credentials.
  process.stdout.write(
    [
      `PEMS simulator listening`,
      `  base URL:      ${baseUrl}`,
      `  control API:   ${simulator.controlUrl}`,
      `  tenant:        ${tenant}`,
      `  organization:  ${organization} (${records} records)`,
      `  basic auth:    ${credentials.username} / ${credentials.password}`,
      `  X-Api-Key:     ${credentials.apiKey}`,
      `  rate limit:    ${rateLimit === null ? 'none' : `${rateLimit} requests/s`}`,
      '',
    ].join('\n'),
  );

  const shutdown = () => {
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(1);
});
