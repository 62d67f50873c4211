/** How a PFA field is edited: a date, an amount, free text, yes/no, or one of a list. */
export type FieldKind = 'date' | 'number' | 'text' | 'boolean' | { options: string[] };

/** The fields a modification may change (SPEC §5), in the order people read a record. */
export const EDITABLE_FIELDS: Array<{ field: string; label: string; kind: FieldKind }> = [
  { field: 'forecastStart', label: 'Forecast start', kind: 'date' },
  { field: 'forecastEnd', label: 'Forecast end', kind: 'date' },
  { field: 'monthlyRate', label: 'Monthly rate', kind: 'number' },
  { field: 'purchasePrice', label: 'Purchase price', kind: 'number' },
  { field: 'dor', label: 'DOR', kind: { options: ['BEO', 'PROJECT'] } },
  { field: 'category', label: 'Category', kind: 'text' },
  { field: 'class', label: 'Class', kind: 'text' },
  { field: 'source', label: 'Source', kind: { options: ['Rental', 'Purchase'] } },
  { field: 'manufacturer', label: 'Manufacturer', kind: 'text' },
  { field: 'model', label: 'Model', kind: 'text' },
  { field: 'isDiscontinued', label: 'Discontinued', kind: 'boolean' },
  { field: 'isFundsTransferable', label: 'Funds transferable', kind: 'boolean' },
];

export const kindOf = (field: string): FieldKind => EDITABLE_FIELDS.find((editable) => editable.field === field)?.kind ?? 'text';

/**
 * A value as typed (a form's text, or a checkbox) typed as the API wants it: empty is null, an
 * amount a number. Text that is not a number is sent as typed: the server says why it is refused.
 */
export function typedValue(kind: FieldKind, value: string | boolean): unknown {
  if (kind === 'boolean') return typeof value === 'boolean' ? value : value === 'true';
  if (value === '') return null;
  if (kind === 'number') return Number.isFinite(Number(value)) ? Number(value) : value;
  return value;
}
