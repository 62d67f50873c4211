/**
 * Reads the API as fast as it answers, from a process of its own: LOAD_CLIENTS clients in a
 * loop over record lists, searches, one record, sync status, the queue and the conflicts (the
 * reads a busy console makes). On SIGTERM it prints what it saw, as JSON, and exits.
 *
 * Environment: LOAD_BASE_URL, LOAD_TOKEN, LOAD_ORGANIZATION_ID, LOAD_RECORD_IDS (comma-separated),
 * LOAD_CLIENTS (default 24).
 */
const base = process.env.LOAD_BASE_URL;
const headers = { Authorization: `Bearer ${process.env.LOAD_TOKEN}` };
const organizationId = process.env.LOAD_ORGANIZATION_ID;
const recordIds = (process.env.LOAD_RECORD_IDS || '').split(',').filter(Boolean);
const clients = Number(process.env.LOAD_CLIENTS || 24);
const searches = ['Crane', 'LR', 'Liebherr', 'PFA-1002', 'Excavator', 'Rental'];

const paths = [
  () => `/api/pfa?organizationId=${organizationId}&page=${1 + Math.floor(Math.random() * 6)}&pageSize=50`,
  () => `/api/pfa?organizationId=${organizationId}&search=${encodeURIComponent(searches[Math.floor(Math.random() * searches.length)])}`,
  () => `/api/pfa/${recordIds[Math.floor(Math.random() * recordIds.length)]}`,
  () => `/api/pems/sync-status?organizationId=${organizationId}`,
  () => `/api/pems/write-queue?organizationId=${organizationId}&pageSize=50`,
  () => `/api/pems/conflicts?organizationId=${organizationId}`,
];

const latencies = [];
const statuses = {};
let stopping = false;
const started = performance.now();

async function client(index) {
  for (let n = index; !stopping; n += 1) {
    const path = paths[n % paths.length]();
    const sent = performance.now();
    try {
      const response = await fetch(`${base}${path}`, { headers });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] || 0) + 1;
    } catch {
      statuses.error = (statuses.error || 0) + 1;
    }
    latencies.push(performance.now() - sent);
  }
}

function percentile(sorted, p) {
  return sorted.length === 0 ? null : Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

process.on('SIGTERM', () => {
  stopping = true;
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      requests: latencies.length,
      perSecond: Math.round((latencies.length / seconds) * 10) / 10,
      statuses,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      p99Ms: percentile(sorted, 99),
      maxMs: percentile(sorted, 100),
    }) + '\n',
    () => process.exit(0),
  );
});

for (let index = 0; index < clients; index += 1) void client(index);
