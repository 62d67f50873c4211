/** How values are shown: always as text (React escapes it), in the user's locale. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

export function formatTime(value: string | Date): string {
  return time.format(typeof value === 'string' ? new Date(value) : value);
}

/** A PFA value of any type as text: dates stay YYYY-MM-DD, booleans Yes/No, amounts with separators. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return value.toLocaleString(undefined, { maximumFractionDigits: 2 });
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** The PFA fields by their API name, with the label people know them by. */
export const FIELD_LABELS: Record<string, string> = {
  category: 'Category',
  class: 'Class',
  source: 'Source',
  dor: 'DOR',
  areaSilo: 'Area / silo',
  manufacturer: 'Manufacturer',
  model: 'Model',
  monthlyRate: 'Monthly rate',
  purchasePrice: 'Purchase price',
  originalStart: 'Original start',
  originalEnd: 'Original end',
  forecastStart: 'Forecast start',
  forecastEnd: 'Forecast end',
  actualStart: 'Actual start',
  actualEnd: 'Actual end',
  isActualized: 'Actualized',
  isDiscontinued: 'Discontinued',
  isFundsTransferable: 'Funds transferable',
  hasPlan: 'Has plan',
  hasActuals: 'Has actuals',
};

export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? field;

/** A change as "Field: value, Field: value". */
export function describeChanges(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([field, value]) => `${fieldLabel(field)}: ${formatValue(value)}`)
    .join(', ');
}

/** A datetime-local input's value (local time, no zone) as an ISO instant; empty stays empty. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
