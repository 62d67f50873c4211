import { ConsoleHarness } from './console-harness';
import { eventually } from './console-pages';

/** The mirror record of `pfaId` (GET /api/pfa?search=). */
export async function recordOf(harness: ConsoleHarness, pfaId: string): Promise<{ id: string; syncState: string; values: Record<string, unknown> }> {
  const page = await harness.api('GET', `/api/pfa?organizationId=${harness.organizationId}&search=${encodeURIComponent(pfaId)}&pageSize=50`);
  const record = page.body.items?.find((item: { pfaId: string }) => item.pfaId === pfaId);
  if (!record) throw new Error(`No record ${pfaId}: ${JSON.stringify(page.body)}`);
  return record;
}

/** PLANNER edits `pfaId` through the API (PATCH /api/pfa/:id); answers the modification's id. */
export async function editThroughApi(harness: ConsoleHarness, pfaId: string, changes: Record<string, unknown>, changeReason?: string): Promise<string> {
  const record = await recordOf(harness, pfaId);
  const answer = await harness.api('PATCH', `/api/pfa/${record.id}`, { changes, ...(changeReason === undefined ? {} : { changeReason }) });
  if (answer.status !== 201) throw new Error(`Editing ${pfaId} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.id;
}

/** PLANNER queues the modifications for PEMS (POST /api/pems/write-sync). */
export async function queueThroughApi(harness: ConsoleHarness, modificationIds: string[]): Promise<void> {
  const answer = await harness.api('POST', '/api/pems/write-sync', { organizationId: harness.organizationId, modificationIds });
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`Queueing answered ${answer.status}: ${JSON.stringify(answer.body)}`);
}

/** Waits until the modification has `status` (GET /api/pfa/modifications). */
export async function waitForModification(harness: ConsoleHarness, modificationId: string, status: string, timeoutMs?: number): Promise<{ syncError: string | null }> {
  return eventually(
    `modification ${modificationId} to be ${status}`,
    async () => {
      const page = await harness.api('GET', `/api/pfa/modifications?organizationId=${harness.organizationId}&status=${status}&pageSize=500`);
      return page.body.items?.find((item: { id: string }) => item.id === modificationId) ?? false;
    },
    timeoutMs,
    200,
  );
}

/** A conflict to make: PLANNER's edit of `pfaId` (`mine`), and what another PEMS user changes meanwhile (`pems`). */
export interface ConflictToMake {
  pfaId: string;
  mine: Record<string, unknown>;
  pems: Record<string, unknown>;
}

export interface MadeConflict {
  id: string;
  pfaId: string;
  modificationId: string;
}

/** The conflict of `pfaId` in WEB (GET /api/pems/conflicts?pfaId=: unresolved first, then the newest). */
export async function conflictOf(
  harness: ConsoleHarness,
  pfaId: string,
): Promise<{ id: string; status: string; resolution: string | null; resolvedBy: { username: string } | null }> {
  const answer = await harness.api('GET', `/api/pems/conflicts?organizationId=${harness.organizationId}&pfaId=${encodeURIComponent(pfaId)}`);
  const listed = answer.body.conflicts?.[0];
  if (!listed) throw new Error(`No conflict of ${pfaId}: ${JSON.stringify(answer.body)}`);
  return listed;
}

/**
 * Real conflicts, as they happen: PLANNER edits each record through the API, another PEMS user
 * changes the same fields in PEMS (the simulator's control API: a new version), then the edits
 * are sent (one write-sync) and the worker finds each version conflict. All at once, so they
 * cost one or two of the worker's rounds (every 2 s) whatever their number.
 */
export async function makeConflicts(harness: ConsoleHarness, conflicts: ConflictToMake[]): Promise<Record<string, MadeConflict>> {
  const modificationIds = await Promise.all(conflicts.map(({ pfaId, mine }) => editThroughApi(harness, pfaId, mine)));
  await Promise.all(conflicts.map(({ pfaId, pems }) => harness.simulator.changeRecord(pfaId, pems)));
  await queueThroughApi(harness, modificationIds);
  const made = await Promise.all(
    conflicts.map(async ({ pfaId }, index): Promise<MadeConflict> => {
      await waitForModification(harness, modificationIds[index], 'conflict', 20_000);
      return { id: (await conflictOf(harness, pfaId)).id, pfaId, modificationId: modificationIds[index] };
    }),
  );
  return Object.fromEntries(made.map((conflict) => [conflict.pfaId, conflict]));
}
