import { decodePfaValue, decodeTimestamp, decodeVersion, encodePfaValue, unwrapScreenValue } from './pems-value.codec';

describe('PEMS value codec', () => {
  describe('encoding: exactly the contract form', () => {
    it.each([
      ['category', 'Cranes', { TEXTDATA: 'Cranes' }],
      ['category', '', { TEXTDATA: '' }],
      ['source', 'Purchase', { TEXTDATA: 'Purchase' }],
      ['monthlyRate', 0, { NUMERICDATA: 0 }],
      ['purchasePrice', 1234.56, { NUMERICDATA: 1234.56 }],
      ['forecastStart', '2024-02-29', { DATETIMEDATA: '2024-02-29' }],
      ['isDiscontinued', true, { TEXTDATA: 'true' }],
      ['hasPlan', false, { TEXTDATA: 'false' }],
      ['model', null, {}],
      ['forecastEnd', null, {}],
    ] as const)('%s = %j -> %j', (field, value, wire) => {
      expect(encodePfaValue(field, value)).toEqual(wire);
    });

    it.each([
      ['monthlyRate', '12'],
      ['monthlyRate', Number.NaN],
      ['forecastStart', '2025-02-30'],
      ['forecastStart', '2025-02-03T00:00:00Z'],
      ['source', 'rental'],
      ['isDiscontinued', 'true'],
      ['category', 5],
    ] as const)('refuses %s = %j', (field, value) => {
      expect(() => encodePfaValue(field, value)).toThrow(/cannot be sent/);
    });
  });

  describe('decoding: liberal in what PEMS may send', () => {
    it('unwraps the screen value forms', () => {
      expect(unwrapScreenValue({})).toBeNull();
      expect(unwrapScreenValue(undefined)).toBeNull();
      expect(unwrapScreenValue({ TEXTDATA: 'x' })).toBe('x');
      expect(unwrapScreenValue({ NUMERICDATA: 2 })).toBe(2);
      expect(unwrapScreenValue({ DATETIMEDATA: '2025-01-01' })).toBe('2025-01-01');
      expect(unwrapScreenValue({ TEXTDATA: null })).toBeNull();
      expect(unwrapScreenValue({ DECIMALDATA: 3 })).toBe(3);
    });

    it.each([
      ['forecastStart', '2025-02-01', '2025-02-01'],
      ['forecastStart', '2025-02-01T00:00:00', '2025-02-01'],
      ['forecastStart', '2025-02-01T23:30:00-05:00', '2025-02-01'],
      ['forecastStart', '2025-02-01 00:00:00.0', '2025-02-01'],
      ['forecastStart', '01-FEB-2025', '2025-02-01'],
      ['forecastStart', { YEAR: 2025, MONTH: 2, DAY: 1 }, '2025-02-01'],
      ['forecastStart', { YEAR: Date.UTC(2025, 1, 1), MONTH: 2, DAY: 1, HOUR: 0 }, '2025-02-01'],
      ['forecastStart', { YEAR: Date.UTC(2024, 11, 31, 23), MONTH: 1, DAY: 1 }, '2025-01-01'],
      ['forecastStart', '', null],
      ['monthlyRate', 12.5, 12.5],
      ['monthlyRate', '12.50', 12.5],
      ['monthlyRate', ' 7 ', 7],
      ['monthlyRate', '', null],
      ['isDiscontinued', 'true', true],
      ['isDiscontinued', 'TRUE', true],
      ['isDiscontinued', '1', true],
      ['isDiscontinued', 'Y', true],
      ['isDiscontinued', '+', true],
      ['isDiscontinued', 'False', false],
      ['isDiscontinued', '0', false],
      ['isDiscontinued', 'n', false],
      ['isDiscontinued', true, true],
      ['isDiscontinued', 0, false],
      ['source', 'RENTAL', 'Rental'],
      ['dor', 'beo', 'BEO'],
      ['dor', 'OTHER', 'OTHER'],
      ['model', 336, '336'],
      ['model', '', null],
    ] as const)('%s: %j -> %j', (field, raw, value) => {
      expect(decodePfaValue(field, raw)).toEqual(value);
    });

    it.each([
      ['monthlyRate', 'twelve'],
      ['monthlyRate', '1,200.00'],
      ['forecastStart', '2025-13-01'],
      ['forecastStart', 'next week'],
      ['isDiscontinued', 'maybe'],
      ['category', { nested: true }],
    ] as const)('refuses %s: %j', (field, raw) => {
      expect(() => decodePfaValue(field, raw)).toThrow();
    });

    it('reads recordid as a number or its text, and nothing else', () => {
      expect(decodeVersion(4)).toBe(4);
      expect(decodeVersion('12')).toBe(12);
      expect(() => decodeVersion('')).toThrow();
      expect(() => decodeVersion(1.5)).toThrow();
      expect(() => decodeVersion(null)).toThrow();
    });

    it('normalises PFS_LASTMODIFIED to ISO when it reads as a time', () => {
      expect(decodeTimestamp('2025-04-02T10:11:12Z')).toBe('2025-04-02T10:11:12.000Z');
      expect(decodeTimestamp('')).toBeNull();
      expect(decodeTimestamp(null)).toBeNull();
      expect(decodeTimestamp('yesterday-ish')).toBe('yesterday-ish');
    });
  });
});
