import { PEMS_PFA_FIELDS, PFA_FIELD_NAMES, PfaData, PfaFieldName, PfaValue, isPfaFieldName } from '../pems-contract/pems-pfa-fields';
import { PemsSimulatorError } from './pems-simulator.error';

/** One PEMS record as the simulator holds it: every PFA field present (null when empty). */
export interface SimulatedPemsRecord {
  organization: string;
  pfaId: string;
  recordid: number;
  /** ISO timestamp of the last change (PFS_LASTMODIFIED). */
  lastModified: string;
  data: Record<PfaFieldName, PfaValue>;
}

export interface SimulatedPemsRecordInput {
  organization: string;
  pfaId: string;
  recordid?: number;
  lastModified?: string;
  data?: PfaData;
}

const MAX_TEXT_LENGTH = 255;

/** Why PEMS would refuse `value` for `field`, or null when it is acceptable. */
export function invalidValueReason(field: PfaFieldName, value: unknown): string | null {
  if (value === null) return null;
  const definition = PEMS_PFA_FIELDS[field];
  switch (definition.type) {
    case 'text':
      if (typeof value !== 'string') return `${field} must be text`;
      return value.length > MAX_TEXT_LENGTH ? `${field} is longer than ${MAX_TEXT_LENGTH} characters` : null;
    case 'enum':
      return typeof value === 'string' && (definition.values as readonly string[]).includes(value) ? null : `${field} must be one of ${definition.values.join(', ')}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${field} must be a number`;
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : `${field} must be a date YYYY-MM-DD`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${field} must be a boolean`;
  }
}

export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function emptyData(): Record<PfaFieldName, PfaValue> {
  return Object.fromEntries(PFA_FIELD_NAMES.map((name) => [name, null])) as Record<PfaFieldName, PfaValue>;
}

function copyRecord(record: SimulatedPemsRecord): SimulatedPemsRecord {
  return { ...record, data: { ...record.data } };
}

/** Checks a field -> value map against the catalogue; throws a 400 naming the first bad field. */
export function checkPfaData(data: Record<string, unknown>): PfaData {
  for (const [field, value] of Object.entries(data)) {
    if (!isPfaFieldName(field)) throw new PemsSimulatorError(400, 'UnknownField', `Unknown field ${field}`);
    const reason = invalidValueReason(field, value);
    if (reason) throw new PemsSimulatorError(400, 'InvalidFieldValue', reason);
  }
  return data as PfaData;
}

/**
 * The simulator's PEMS table, in memory, per organization. Lists come back ordered by
 * pfaId so grid cursors stay stable between pages.
 */
export class PemsRecordStore {
  private readonly organizations = new Map<string, Map<string, SimulatedPemsRecord>>();
  private readonly sortedIds = new Map<string, string[]>();

  clear(): void {
    this.organizations.clear();
    this.sortedIds.clear();
  }

  replaceOrganization(organization: string, records: SimulatedPemsRecord[]): void {
    this.organizations.set(organization, new Map(records.map((record) => [record.pfaId, copyRecord(record)])));
    this.sortedIds.delete(organization);
  }

  get(organization: string, pfaId: string): SimulatedPemsRecord | null {
    const record = this.organizations.get(organization)?.get(pfaId);
    return record ? copyRecord(record) : null;
  }

  /** Stores a record exactly as given (missing fields empty); the control API's "put as stored". */
  put(input: SimulatedPemsRecordInput, now: Date): SimulatedPemsRecord {
    const data = { ...emptyData(), ...checkPfaData(input.data ?? {}) };
    const record: SimulatedPemsRecord = {
      organization: input.organization,
      pfaId: input.pfaId,
      recordid: input.recordid ?? 1,
      lastModified: input.lastModified ?? now.toISOString(),
      data,
    };
    let records = this.organizations.get(input.organization);
    if (!records) {
      records = new Map();
      this.organizations.set(input.organization, records);
    }
    if (!records.has(input.pfaId)) this.sortedIds.delete(input.organization);
    records.set(input.pfaId, record);
    return copyRecord(record);
  }

  /** Applies `changes` as one PEMS update: only the given fields, recordid one higher. */
  update(organization: string, pfaId: string, changes: PfaData, now: Date): SimulatedPemsRecord {
    const record = this.organizations.get(organization)?.get(pfaId);
    if (!record) throw new PemsSimulatorError(404, 'RecordNotFound', `Record ${pfaId} does not exist in organization ${organization}.`);
    checkPfaData(changes);
    Object.assign(record.data, changes);
    record.recordid += 1;
    record.lastModified = now.toISOString();
    return copyRecord(record);
  }

  delete(organization: string, pfaId: string): boolean {
    const deleted = this.organizations.get(organization)?.delete(pfaId) ?? false;
    if (deleted) this.sortedIds.delete(organization);
    return deleted;
  }

  count(organization: string): number {
    return this.organizations.get(organization)?.size ?? 0;
  }

  page(organization: string, offset: number, limit: number): { records: SimulatedPemsRecord[]; total: number } {
    const records = this.organizations.get(organization);
    if (!records) return { records: [], total: 0 };
    let ids = this.sortedIds.get(organization);
    if (!ids) {
      ids = [...records.keys()].sort();
      this.sortedIds.set(organization, ids);
    }
    const pageIds = ids.slice(offset, offset + limit);
    return { records: pageIds.map((id) => copyRecord(records.get(id)!)), total: ids.length };
  }
}
