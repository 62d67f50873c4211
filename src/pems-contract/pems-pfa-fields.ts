/**
 * The PFA fields a PEMS record carries and the kind of value each takes (PEMS_CONTRACT.md,
 * Values and the field table). The contract is the one place these are defined: the product's
 * catalogue (validation/pfa-fields.ts) adds what only the product decides, and the simulator
 * reads them from here so it depends on the contract and on nothing of the product.
 *
 * `source` and `dor` travel as text, but PEMS refuses a value outside their lists.
 */
export type PemsFieldType = 'text' | 'enum' | 'number' | 'date' | 'boolean';

export interface PemsFieldDefinition {
  readonly type: PemsFieldType;
  readonly values?: readonly string[];
}

export const PFA_SOURCES = ['Rental', 'Purchase'] as const;
export const PFA_DORS = ['BEO', 'PROJECT'] as const;

export const PEMS_PFA_FIELDS = {
  category: { type: 'text' },
  class: { type: 'text' },
  source: { type: 'enum', values: PFA_SOURCES },
  dor: { type: 'enum', values: PFA_DORS },
  areaSilo: { type: 'text' },
  manufacturer: { type: 'text' },
  model: { type: 'text' },
  monthlyRate: { type: 'number' },
  purchasePrice: { type: 'number' },
  originalStart: { type: 'date' },
  originalEnd: { type: 'date' },
  forecastStart: { type: 'date' },
  forecastEnd: { type: 'date' },
  actualStart: { type: 'date' },
  actualEnd: { type: 'date' },
  isActualized: { type: 'boolean' },
  isDiscontinued: { type: 'boolean' },
  isFundsTransferable: { type: 'boolean' },
  hasPlan: { type: 'boolean' },
  hasActuals: { type: 'boolean' },
} as const satisfies Record<string, PemsFieldDefinition>;

export type PfaFieldName = keyof typeof PEMS_PFA_FIELDS;
export const PFA_FIELD_NAMES = Object.keys(PEMS_PFA_FIELDS) as PfaFieldName[];

export type PfaValue = string | number | boolean | null;
/** A record's fields: field -> value, null when empty. */
export type PfaData = Partial<Record<PfaFieldName, PfaValue>>;

export function isPfaFieldName(name: string): name is PfaFieldName {
  return Object.prototype.hasOwnProperty.call(PEMS_PFA_FIELDS, name);
}
