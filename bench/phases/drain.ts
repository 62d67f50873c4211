import { BenchApp } from '../lib/app';
import { BenchContext, WriteSyncAnswer, httpJson, waitForJob, workerConcurrency } from '../lib/context';
import { connectServer, createModifications, tokenFor, vacuumAnalyze } from '../lib/fixtures';
import { ResourceUse, measureResources } from '../lib/resources';
import { SimLogEntry } from '../lib/simulator-protocol';
import { mostInAnySecond, readRateLimit } from '../../src/pems-simulator/rate-limit-reading';
import { preciseNow, round } from '../lib/stats';

export interface DrainResult {
  items: number;
  rateLimitPerSecond: number;
  simulatorLatencyMs: number;
  postMs: number;
  updates: number;
  requests: number;
  okResponses: number;
  responses429: number;
  otherFailures: number;
  completed: number;
  failed: number;
  /** First to last UPDATE at the simulator, seconds. */
  drainSeconds: number;
  sendsPerSecond: number;
  utilization: number;
  /** The same from the 11th UPDATE on, after the cold-start gaps (docs/rate-limiting.md, "Cold sends"). */
  steadySendsPerSecond: number;
  steadyUtilization: number;
  maxRequestsInAnySecond: number;
  /** Windows of rate + 1 requests certainly within one second, and possibly (the simulator's arrival times may be late by atUncertaintyMs). */
  certainBreaches: number;
  possibleBreaches: number;
  worstArrivalUncertaintyMs: number;
  minGapMs: number;
  gapsOver150Ms: number;
  /** POST /api/pems/write-sync answered -> first UPDATE arrived at the simulator. */
  enqueueToFirstUpdateMs: number;
  /** POST sent -> first UPDATE arrived. */
  requestToFirstUpdateMs: number;
  concurrency: number;
  /** The app's rate limiter per UPDATE: turns reserved, grants asked for (more than 1: a send waited for the window), late departures recorded. */
  rateLimitReservationsPerUpdate: number;
  rateLimitGrantsPerUpdate: number;
  rateLimitLateDeparturesPerUpdate: number;
  resources: ResourceUse;
  /** The densest one-second window: each request's arrival (ms after the first UPDATE), gap to the one before, and status. */
  densestWindow: Array<{ atMs: number; gapMs: number | null; status: number | null; pfaId: string | null }>;
  /** UPDATE arrivals closer than 95 ms to the one before: ms after the first UPDATE, and the gap. */
  shortGaps: Array<{ atMs: number; gapMs: number }>;
}

function breaches(entries: SimLogEntry[], limit: number): Pick<DrainResult, 'certainBreaches' | 'possibleBreaches' | 'worstArrivalUncertaintyMs'> {
  const reading = readRateLimit(entries, limit);
  return { certainBreaches: reading.certainBreaches, possibleBreaches: reading.possibleBreaches, worstArrivalUncertaintyMs: round(reading.worstUncertaintyMs, 1) };
}

function densestWindow(entries: SimLogEntry[], origin: number): DrainResult['densestWindow'] {
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  let best = { start: 0, end: -1 };
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end].at - sorted[start].at >= 1000) start += 1;
    if (end - start > best.end - best.start) best = { start, end };
  }
  return sorted.slice(best.start, best.end + 1).map((entry, index, window) => ({
    atMs: round(entry.at - origin, 1),
    gapMs: index === 0 ? (best.start > 0 ? round(entry.at - sorted[best.start - 1].at, 1) : null) : round(entry.at - window[index - 1].at, 1),
    status: entry.status,
    pfaId: entry.pfaId,
  }));
}

/**
 * 600 items at 10/s: the simulator limits to 10 requests in any sliding second and answers
 * after ~20 ms, the server's rateLimitPerSecond is 10. Everything is read from the
 * simulator's request log.
 */
export async function runDrain(ctx: BenchContext, app: BenchApp, items = 600): Promise<DrainResult> {
  const { db, principal, simulator } = ctx;
  const rate = 10;
  const latencyMs = 20;
  await connectServer(app, principal, simulator.baseUrl, rate);
  await simulator.setRateLimit(rate);
  await simulator.setFaults({ latencyMs });
  await createModifications(db, principal, { count: items, tag: 'drain' });
  await vacuumAnalyze(db);
  // Let the rate limiter's tenant row go idle and the simulator's window empty.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await simulator.clearLog();
  const token = await tokenFor(app, principal);

  const kindsBefore = ctx.counter.snapshot();
  const stopMeasuring = measureResources();
  const sentAt = preciseNow();
  const answer = await httpJson<WriteSyncAnswer>('POST', `${app.url}/api/pems/write-sync`, token, { organizationId: principal.organizationId });
  const answeredAt = preciseNow();
  if (answer.status !== 200 || answer.body.queuedCount !== items || !answer.body.jobId) {
    throw new Error(`POST /api/pems/write-sync answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  ctx.log(`  drain: ${items} items queued in ${round(answeredAt - sentAt, 1)} ms; draining at ${rate}/s (about ${Math.ceil(items / rate)} s)…`);
  const { completed, failed } = await waitForJob(db, answer.body.jobId, items, (items / rate) * 1000 * 2 + 30_000);

  const resources = stopMeasuring();
  const statements = ctx.counter.since(kindsBefore, 1, 1000);
  const countOf = (prefix: string) => statements.filter((kind) => kind.statement.startsWith(prefix)).reduce((sum, kind) => sum + kind.perItem, 0);
  const reservations = countOf('INSERT INTO pems_rate_limits');
  const grants = countOf('SELECT * FROM pems_rate_limit_grant');
  const lateDepartures = countOf('SELECT pems_rate_limit_departed');
  const log = await simulator.getLog();
  const updates = log.filter((entry) => entry.action === 'UPDATE').sort((a, b) => a.at - b.at);
  const times = updates.map((entry) => entry.at);
  const first = times[0];
  const last = times[times.length - 1];
  const drainSeconds = (last - first) / 1000;
  const sendsPerSecond = (times.length - 1) / drainSeconds;
  const steady = times.slice(10);
  const steadySendsPerSecond = (steady.length - 1) / ((steady[steady.length - 1] - steady[0]) / 1000);
  const gaps = times.slice(1).map((time, index) => time - times[index]);
  return {
    items,
    rateLimitPerSecond: rate,
    simulatorLatencyMs: latencyMs,
    postMs: round(answeredAt - sentAt, 1),
    updates: updates.length,
    requests: log.length,
    okResponses: log.filter((entry) => entry.status === 200).length,
    responses429: log.filter((entry) => entry.status === 429).length,
    otherFailures: log.filter((entry) => entry.status !== 200 && entry.status !== 429).length,
    completed,
    failed,
    drainSeconds: round(drainSeconds, 3),
    sendsPerSecond: round(sendsPerSecond, 3),
    utilization: round(sendsPerSecond / rate, 4),
    steadySendsPerSecond: round(steadySendsPerSecond, 3),
    steadyUtilization: round(steadySendsPerSecond / rate, 4),
    maxRequestsInAnySecond: mostInAnySecond(log.map((entry) => entry.at)),
    ...breaches(log, rate),
    minGapMs: round(Math.min(...gaps), 1),
    gapsOver150Ms: gaps.filter((gap) => gap > 150).length,
    enqueueToFirstUpdateMs: round(first - answeredAt, 1),
    requestToFirstUpdateMs: round(first - sentAt, 1),
    concurrency: await workerConcurrency(app),
    rateLimitReservationsPerUpdate: round(reservations / Math.max(1, updates.length), 2),
    rateLimitGrantsPerUpdate: round(grants / Math.max(1, updates.length), 2),
    rateLimitLateDeparturesPerUpdate: round(lateDepartures / Math.max(1, updates.length), 2),
    resources,
    densestWindow: densestWindow(log, first),
    shortGaps: gaps.map((gap, index) => ({ atMs: round(times[index + 1] - first, 1), gapMs: round(gap, 1) })).filter((gap) => gap.gapMs < 95),
  };
}
