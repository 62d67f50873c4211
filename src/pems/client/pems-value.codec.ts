import { PFA_FIELDS, PfaFieldName, PfaValue } from '../../validation/pfa-fields';

/**
 * PFA values to and from PEMS's wire values. Encoding is strict and exact (PEMS_CONTRACT.md,
 * Values); decoding accepts what real EAM installations are known to send besides the
 * contract's form: numbers as text, dates with a time part or as EAM's date object,
 * booleans as TRUE / 1 / Y / +.
 */
export type PemsWireValue = { TEXTDATA: string } | { NUMERICDATA: number } | { DATETIMEDATA: string } | Record<string, never>;

/** A value PEMS sent that cannot be read as its field's type. */
export class PemsValueFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PemsValueFormatError';
  }
}

/** A value the caller asked to send that PEMS could not take. */
export class PemsValueEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PemsValueEncodeError';
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function calendarDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function encodePfaValue(field: PfaFieldName, value: unknown): PemsWireValue {
  if (value === null) return {};
  const definition = PFA_FIELDS[field];
  switch (definition.type) {
    case 'text':
      if (typeof value === 'string') return { TEXTDATA: value };
      break;
    case 'enum':
      if (typeof value === 'string' && (definition.values as readonly string[]).includes(value)) return { TEXTDATA: value };
      break;
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return { NUMERICDATA: value };
      break;
    case 'date': {
      const match = typeof value === 'string' ? DATE_ONLY.exec(value) : null;
      if (match && calendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) return { DATETIMEDATA: value as string };
      break;
    }
    case 'boolean':
      if (typeof value === 'boolean') return { TEXTDATA: value ? 'true' : 'false' };
      break;
  }
  throw new PemsValueEncodeError(`${field} cannot be sent to PEMS as ${JSON.stringify(value)} (expected: ${definition.type})`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The raw value inside a USERDEFINEDSCREENFIELDVALUE: `{}` and absent mean null. */
export function unwrapScreenValue(wire: unknown): unknown {
  if (wire === undefined || wire === null) return null;
  if (!isObject(wire)) return wire;
  for (const key of ['TEXTDATA', 'NUMERICDATA', 'DATETIMEDATA']) {
    if (key in wire) return wire[key] ?? null;
  }
  const keys = Object.keys(wire);
  if (keys.length === 0) return null;
  // An EAM date object ({YEAR, MONTH, DAY, ...}) sent without its DATETIMEDATA wrapper.
  if ('YEAR' in wire) return wire;
  if (keys.length === 1) return wire[keys[0]] ?? null;
  throw new PemsValueFormatError(`unexpected value ${JSON.stringify(wire).slice(0, 200)}`);
}

function decodeDate(raw: unknown): string {
  if (typeof raw === 'string') {
    const text = raw.trim();
    // Take the date as written: converting "2025-02-01T00:00:00+01:00" to UTC would move it a day.
    const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])/.exec(text);
    const isoDate = iso && calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    if (isoDate) return isoDate;
    const eam = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:$|\s)/.exec(text);
    if (eam) {
      const month = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'].indexOf(eam[2].toUpperCase()) + 1;
      const eamDate = month > 0 && calendarDate(Number(eam[3]), month, Number(eam[1]));
      if (eamDate) return eamDate;
    }
  }
  if (typeof raw === 'number' && Number.isFinite(raw) && Math.abs(raw) > 10_000) {
    return new Date(raw).toISOString().slice(0, 10);
  }
  if (isObject(raw) && typeof raw.MONTH === 'number' && typeof raw.DAY === 'number' && typeof raw.YEAR === 'number') {
    let year = raw.YEAR;
    // Some EAM versions put the epoch milliseconds in YEAR; the year is the one of that instant, give or take New Year's Eve across time zones.
    if (year > 9999) {
      const instant = new Date(year);
      year = instant.getUTCFullYear();
      if (raw.MONTH === 1 && instant.getUTCMonth() === 11) year += 1;
      if (raw.MONTH === 12 && instant.getUTCMonth() === 0) year -= 1;
    }
    const date = calendarDate(year, raw.MONTH, raw.DAY);
    if (date) return date;
  }
  throw new PemsValueFormatError(`${JSON.stringify(raw)} is not a date`);
}

const TRUE_TEXTS = new Set(['true', '1', 'y', 'yes', '+', 'on']);
const FALSE_TEXTS = new Set(['false', '0', 'n', 'no', '-', 'off']);

/** Reads a raw value (already unwrapped, or a grid string) as the field's type. */
export function decodePfaValue(field: PfaFieldName, raw: unknown): PfaValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' && raw.trim() === '') return null;
  const definition = PFA_FIELDS[field];
  switch (definition.type) {
    case 'text':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      break;
    case 'enum':
      if (typeof raw === 'string') {
        const text = raw.trim();
        return (definition.values as readonly string[]).find((value) => value.toLowerCase() === text.toLowerCase()) ?? text;
      }
      break;
    case 'number': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
      if (Number.isFinite(number)) return number;
      break;
    }
    case 'date':
      return decodeDate(raw);
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).trim().toLowerCase();
      if (TRUE_TEXTS.has(text)) return true;
      if (FALSE_TEXTS.has(text)) return false;
      break;
    }
  }
  throw new PemsValueFormatError(`${field}: ${JSON.stringify(raw)} is not a ${definition.type}`);
}

/** recordid: a non-negative integer, as a number or its text. */
export function decodeVersion(raw: unknown): number {
  const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
  if (Number.isInteger(number) && number >= 0) return number;
  throw new PemsValueFormatError(`recordid ${JSON.stringify(raw)} is not a version number`);
}

/** PFS_LASTMODIFIED as an ISO timestamp when it reads as one, else as PEMS wrote it. */
export function decodeTimestamp(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number' && Number.isFinite(raw)) return new Date(raw).toISOString();
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const text = raw.trim();
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? text : new Date(parsed).toISOString();
}

/** Keys and other plain texts. */
export function decodeText(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : null;
  if (text === null) throw new PemsValueFormatError(`${JSON.stringify(raw)} is not text`);
  return text.trim() === '' ? null : text;
}
