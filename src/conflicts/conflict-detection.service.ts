import { Injectable } from '@nestjs/common';
import { PfaChanges, PfaData, pfaValuesEqual } from '../validation/pfa-fields';

export interface ConflictCheckInput {
  /** ours: the modification's field -> new value */
  changes: PfaChanges;
  /** base: the modification's field -> the value the user saw when editing */
  baseValues: PfaChanges;
  /** theirs: the record as PEMS (or the mirror, freshly synced from PEMS) holds it now */
  theirs: PfaData;
}

export type ConflictCheckResult =
  | { outcome: 'no_conflict' }
  | { outcome: 'already_applied' }
  | { outcome: 'conflict'; conflictFields: string[]; localData: PfaChanges; pemsData: PfaChanges; baseData: PfaChanges };

/**
 * SPEC §8's three-way comparison of a modification against PEMS's current record. Pure:
 * the callers (the worker before sending and after a version conflict) read the record
 * and act on the outcome.
 */
@Injectable()
export class ConflictDetectionService {
  /** The mirror moved past the version the user edited, so PEMS may hold someone else's edit. */
  needsCheck(baseVersion: number, currentVersion: number): boolean {
    return currentVersion > baseVersion;
  }

  /** Someone changed the field in PEMS (theirs != base) to something other than what we want (theirs != ours). */
  fieldConflicts(base: unknown, ours: unknown, theirs: unknown): boolean {
    return !pfaValuesEqual(theirs, base) && !pfaValuesEqual(theirs, ours);
  }

  detect({ changes, baseValues, theirs }: ConflictCheckInput): ConflictCheckResult {
    const fields = Object.keys(changes);
    const theirsOf = (field: string): unknown => (theirs as Record<string, unknown>)[field];

    // Checked first: a field already holding ours can never conflict, and when every field
    // does, PEMS has this write already (a repeated delivery, or someone made the same
    // edit); sending it again would only create a new version for nothing. A modification
    // with no fields has nothing to write either.
    if (fields.every((field) => pfaValuesEqual(theirsOf(field), changes[field]))) {
      return { outcome: 'already_applied' };
    }

    const conflictFields = fields.filter((field) => this.fieldConflicts(baseValues[field], changes[field], theirsOf(field)));
    if (conflictFields.length === 0) {
      // Fields PEMS changed that we do not touch stay as PEMS has them: the resend carries only ours.
      return { outcome: 'no_conflict' };
    }

    const localData: PfaChanges = {};
    const pemsData: PfaChanges = {};
    const baseData: PfaChanges = {};
    for (const field of fields) {
      localData[field] = changes[field] ?? null;
      pemsData[field] = theirsOf(field) ?? null;
      baseData[field] = baseValues[field] ?? null;
    }
    return { outcome: 'conflict', conflictFields, localData, pemsData, baseData };
  }
}
