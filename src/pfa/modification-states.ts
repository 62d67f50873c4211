import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returningRows } from '../database/returning-rows';
import { PfaChanges } from '../validation/pfa-fields';
import { ModificationStatus, PfaModification } from './entities/pfa-modification.entity';

/**
 * The state machine of a modification (docs/write-sync.md draws it). Each transition names the
 * states it may start from; a row in any other state is left alone and not answered.
 */
export const MODIFICATION_TRANSITIONS = {
  /** Queued for PEMS (POST /api/pems/write-sync). */
  queue: { from: ['pending'], to: 'queued' },
  /** An operator sends a failed modification again (POST /api/pems/write-queue/retry). */
  retry: { from: ['failed'], to: 'queued' },
  /** A resolution (use_local, merge) sends it again, re-based on PEMS's version. */
  requeueResolved: { from: ['conflict'], to: 'queued' },
  /** The worker claimed its queue item. */
  claim: { from: ['queued'], to: 'syncing' },
  /** Its attempt ended without an outcome (a retry later, a lease that ran out): it waits again. */
  handBack: { from: ['syncing'], to: 'queued' },
  /** PEMS holds its values (written now, or already). */
  sync: { from: ['syncing'], to: 'synced' },
  /** Given up: PEMS refused it for good, or its retries ran out. */
  fail: { from: ['syncing'], to: 'failed' },
  /** PEMS changed the same fields meanwhile: a person decides (SPEC §8). */
  conflict: { from: ['syncing'], to: 'conflict' },
  /** A resolution left nothing to send (use_pems, or PEMS already holds every value). */
  resolveWithoutWrite: { from: ['conflict'], to: 'synced' },
  /** Its waiting queue item was cancelled: editable again. */
  unqueue: { from: ['queued'], to: 'pending' },
  /** Thrown away before it was sent. */
  discard: { from: ['pending', 'queued'], to: 'discarded' },
} as const satisfies Record<string, { from: readonly ModificationStatus[]; to: ModificationStatus }>;

export type ModificationTransition = keyof typeof MODIFICATION_TRANSITIONS;

/**
 * The statement of one transition, for the listed modifications (`ids`: an SQL expression of
 * type uuid[]). ModificationStates runs it; the write queue embeds it in the statements that
 * must move a queue item and its modification in one round trip (the claim, completions, the
 * reaper), so that the hot path costs no extra statement. `sync` and `resolveWithoutWrite`
 * stamp synced_at and clear the error; `fail` and `conflict` record `error` (an SQL
 * expression); `queue` and `retry` clear it; the others leave it. (`requeueResolved` also
 * re-bases the modification: ModificationStates.requeueResolved.)
 */
export function modificationTransitionSql(transition: Exclude<ModificationTransition, 'requeueResolved'>, ids: string, error = 'NULL'): string {
  const { from, to } = MODIFICATION_TRANSITIONS[transition];
  const set = [`status = '${to}'`, 'updated_at = now()'];
  if (to === 'synced') set.push('synced_at = now()');
  if (transition === 'fail' || transition === 'conflict') set.push(`sync_error = ${error}`);
  else if (['queue', 'retry', 'sync', 'resolveWithoutWrite'].includes(transition)) set.push('sync_error = NULL');
  return `UPDATE pfa_modification SET ${set.join(', ')} WHERE id = ANY(${ids}) AND status IN (${from.map((state) => `'${state}'`).join(', ')})`;
}

/** A new modification's values. */
export type NewModification = Pick<PfaModification, 'organizationId' | 'recordId' | 'userId' | 'changes' | 'baseValues' | 'baseVersion' | 'changeReason'>;

/**
 * The only writer of `pfa_modification`: a modification is created `pending` here, its values
 * change here, and every change of its status is one of MODIFICATION_TRANSITIONS (or a fold
 * that leaves no change, pending → discarded), one conditional statement in the caller's
 * transaction. Each method answers what it moved: an id left out was not in a state the
 * transition may start from.
 */
@Injectable()
export class ModificationStates {
  async create(manager: EntityManager, values: NewModification): Promise<PfaModification> {
    const repository = manager.getRepository(PfaModification);
    return repository.save(repository.create({ ...values, status: 'pending' }));
  }

  /**
   * A pending modification takes more changes from its author (an edit folded into it). With
   * no change left it is discarded.
   */
  async fold(manager: EntityManager, id: string, update: { changes: PfaChanges; baseValues: PfaChanges; changeReason?: string }): Promise<boolean> {
    const folded = await returningRows<{ id: string }>(
      manager,
      `UPDATE pfa_modification
       SET changes = $2, base_values = $3, change_reason = CASE WHEN $4 THEN $5 ELSE change_reason END,
           status = CASE WHEN $6 THEN 'discarded' ELSE status END, updated_at = now()
       WHERE id = $1 AND status = 'pending'
       RETURNING id`,
      [
        id,
        JSON.stringify(update.changes),
        JSON.stringify(update.baseValues),
        update.changeReason !== undefined,
        update.changeReason ?? null,
        Object.keys(update.changes).length === 0,
      ],
    );
    return folded.length === 1;
  }

  /**
   * Moves the listed modifications along `transition`, with `error` as their sync error where
   * the transition records one (`fail`, `conflict`).
   */
  async move(manager: EntityManager, transition: Exclude<ModificationTransition, 'requeueResolved'>, ids: string[], error?: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const recordsError = transition === 'fail' || transition === 'conflict';
    const rows = await returningRows<{ id: string }>(
      manager,
      `${modificationTransitionSql(transition, '$1::uuid[]', '$2::text')} RETURNING id`,
      recordsError ? [ids, error ?? null] : [ids],
    );
    return rows.map((row) => row.id);
  }

  /**
   * A conflict resolved by sending again: the modification takes the values to send, re-based
   * on PEMS's version, and is queued.
   */
  async requeueResolved(manager: EntityManager, id: string, rebased: Pick<PfaModification, 'changes' | 'baseValues' | 'baseVersion'>): Promise<boolean> {
    const { from, to } = MODIFICATION_TRANSITIONS.requeueResolved;
    const rows = await returningRows<{ id: string }>(
      manager,
      `UPDATE pfa_modification
       SET status = $3, changes = $4, base_values = $5, base_version = $6, sync_error = NULL, updated_at = now()
       WHERE id = $1 AND status = ANY($2::text[])
       RETURNING id`,
      [id, [...from], to, JSON.stringify(rebased.changes), JSON.stringify(rebased.baseValues), rebased.baseVersion],
    );
    return rows.length === 1;
  }
}
