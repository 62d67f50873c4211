import { PEMS_PFA_FIELDS, PFA_FIELD_NAMES, PemsFieldDefinition, PfaFieldName } from '../pems-contract/pems-pfa-fields';

export { PFA_FIELD_NAMES, isPfaFieldName } from '../pems-contract/pems-pfa-fields';
export type { PfaData, PfaFieldName, PfaValue } from '../pems-contract/pems-pfa-fields';

/**
 * The PFA field catalogue (SPEC §5): every field a PFA record carries, its type, and
 * whether people may change it through a modification. The fields and their types are the
 * PEMS contract's (pems-contract/pems-pfa-fields.ts); what the product adds is `editable`.
 * Validation, the PEMS envelopes and the mirror's typed columns all read from this one list.
 */
export interface PfaFieldDefinition extends PemsFieldDefinition {
  readonly editable: boolean;
}

// Every field of the contract must be decided here, and nothing else may be: the compiler checks both.
const EDITABLE = {
  category: true,
  class: true,
  source: true,
  dor: true,
  areaSilo: false,
  manufacturer: true,
  model: true,
  monthlyRate: true,
  purchasePrice: true,
  originalStart: false,
  originalEnd: false,
  forecastStart: true,
  forecastEnd: true,
  actualStart: false,
  actualEnd: false,
  isActualized: false,
  isDiscontinued: true,
  isFundsTransferable: true,
  hasPlan: false,
  hasActuals: false,
} as const satisfies Record<PfaFieldName, boolean>;

type PfaFieldCatalogue = { readonly [F in PfaFieldName]: (typeof PEMS_PFA_FIELDS)[F] & { readonly editable: (typeof EDITABLE)[F] } };

export const PFA_FIELDS = Object.fromEntries(PFA_FIELD_NAMES.map((name) => [name, { ...PEMS_PFA_FIELDS[name], editable: EDITABLE[name] }])) as PfaFieldCatalogue;

/** A modification's changes or base values: field -> value. Keys are unchecked until validated. */
export type PfaChanges = Record<string, unknown>;

/** Value equality for PFA values: dates are compared as their `YYYY-MM-DD` text, numbers numerically. */
export function pfaValuesEqual(a: unknown, b: unknown): boolean {
  const left = a === undefined ? null : a;
  const right = b === undefined ? null : b;
  if (typeof left === 'number' && typeof right === 'number') return Math.abs(left - right) < 1e-9;
  return left === right;
}
