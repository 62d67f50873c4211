import { isPfaFieldName, PfaChanges, PfaData, PfaValue } from './pfa-fields';

/**
 * The record as it is after `changes`: the effective record is the mirror with each
 * unsynced modification applied in order. Keys that are not PFA fields and values that
 * are not PFA values are left out rather than copied, because `changes` comes from jsonb
 * and must never smuggle anything else into a record's data.
 */
export function applyChanges(current: PfaData, changes: PfaChanges): PfaData {
  const result: PfaData = { ...current };
  for (const [field, value] of Object.entries(changes)) {
    if (isPfaFieldName(field) && isPfaValue(value)) result[field] = value;
  }
  return result;
}

function isPfaValue(value: unknown): value is PfaValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
