/**
 * The PFA field catalogue (SPEC §5): every field a PFA record carries, its type, and
 * whether people may change it through a modification. Validation, the PEMS envelopes
 * and the mirror's typed columns all read from this one list.
 */
type PfaFieldType = 'text' | 'enum' | 'number' | 'date' | 'boolean';

export interface PfaFieldDefinition {
  readonly type: PfaFieldType;
  readonly editable: boolean;
  readonly values?: readonly string[];
}

const PFA_SOURCES = ['Rental', 'Purchase'] as const;
const PFA_DORS = ['BEO', 'PROJECT'] as const;

export const PFA_FIELDS = {
  category: { type: 'text', editable: true },
  class: { type: 'text', editable: true },
  source: { type: 'enum', editable: true, values: PFA_SOURCES },
  dor: { type: 'enum', editable: true, values: PFA_DORS },
  areaSilo: { type: 'text', editable: false },
  manufacturer: { type: 'text', editable: true },
  model: { type: 'text', editable: true },
  monthlyRate: { type: 'number', editable: true },
  purchasePrice: { type: 'number', editable: true },
  originalStart: { type: 'date', editable: false },
  originalEnd: { type: 'date', editable: false },
  forecastStart: { type: 'date', editable: true },
  forecastEnd: { type: 'date', editable: true },
  actualStart: { type: 'date', editable: false },
  actualEnd: { type: 'date', editable: false },
  isActualized: { type: 'boolean', editable: false },
  isDiscontinued: { type: 'boolean', editable: true },
  isFundsTransferable: { type: 'boolean', editable: true },
  hasPlan: { type: 'boolean', editable: false },
  hasActuals: { type: 'boolean', editable: false },
} as const satisfies Record<string, PfaFieldDefinition>;

export type PfaFieldName = keyof typeof PFA_FIELDS;
export const PFA_FIELD_NAMES = Object.keys(PFA_FIELDS) as PfaFieldName[];

export type PfaValue = string | number | boolean | null;
/** A record's fields as the mirror stores them (`pfa_records.data`): field -> value, null when empty. */
export type PfaData = Partial<Record<PfaFieldName, PfaValue>>;
/** A modification's changes or base values: field -> value. Keys are unchecked until validated. */
export type PfaChanges = Record<string, unknown>;

export function isPfaFieldName(name: string): name is PfaFieldName {
  return Object.prototype.hasOwnProperty.call(PFA_FIELDS, name);
}

/** Value equality for PFA values: dates are compared as their `YYYY-MM-DD` text, numbers numerically. */
export function pfaValuesEqual(a: unknown, b: unknown): boolean {
  const left = a === undefined ? null : a;
  const right = b === undefined ? null : b;
  if (typeof left === 'number' && typeof right === 'number') return Math.abs(left - right) < 1e-9;
  return left === right;
}
