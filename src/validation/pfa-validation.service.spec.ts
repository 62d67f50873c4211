import { Test } from '@nestjs/testing';
import { applyChanges } from './apply-changes';
import { PfaData } from './pfa-fields';
import { PFA_VALIDATION_CODES, PfaValidationCode, PfaValidationError } from './pfa-validation-error';
import { isCalendarDate, PfaValidationService } from './pfa-validation.service';
import { ValidationModule } from './validation.module';

/** A sound record as the mirror holds it: a rented crane, forecast for the first half of 2025. */
const record: PfaData = {
  category: 'Cranes',
  class: 'Mobile Crane',
  source: 'Rental',
  dor: 'PROJECT',
  areaSilo: 'Silo 4',
  manufacturer: 'Liebherr',
  model: 'LTM 1100',
  monthlyRate: 1200,
  purchasePrice: null,
  originalStart: '2025-01-01',
  originalEnd: '2025-06-30',
  forecastStart: '2025-01-15',
  forecastEnd: '2025-06-30',
  actualStart: null,
  actualEnd: null,
  isActualized: false,
  isDiscontinued: false,
  isFundsTransferable: true,
  hasPlan: true,
  hasActuals: false,
};

const codes = (errors: PfaValidationError[]) => errors.map((e) => `${e.field}:${e.code}`).sort();

describe('PfaValidationService', () => {
  const service = new PfaValidationService();
  const validate = (changes: unknown, current: PfaData = record) => service.validateChanges(current, changes);

  it('is provided and exported by ValidationModule', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ValidationModule] }).compile();
    expect(moduleRef.get(PfaValidationService)).toBeInstanceOf(PfaValidationService);
  });

  it('accepts a valid change of several fields', () => {
    expect(
      validate({
        forecastStart: '2025-02-01',
        forecastEnd: '2025-08-31',
        monthlyRate: 1500.5,
        dor: 'BEO',
        category: 'Heavy lift',
        class: 'Crawler',
        manufacturer: 'Manitowoc',
        model: 'MLC300',
        isFundsTransferable: false,
        isDiscontinued: true,
      }),
    ).toEqual([]);
  });

  it('names every code the product documents', () => {
    expect([...PFA_VALIDATION_CODES].sort()).toEqual(
      [
        'INVALID_DATE_ORDER',
        'INVALID_DATE',
        'INVALID_TYPE',
        'INVALID_ENUM_VALUE',
        'INVALID_VALUE',
        'MISSING_REQUIRED_FIELD',
        'BUSINESS_RULE_VIOLATION',
        'READ_ONLY_FIELD',
        'UNKNOWN_FIELD',
        'TOO_LONG',
        'NO_CHANGE',
      ].sort(),
    );
  });

  describe('the change as a whole', () => {
    it.each([
      ['null', null],
      ['undefined', undefined],
      ['an array', [{ model: 'X' }]],
      ['an empty array', []],
      ['a string', '{"model":"X"}'],
      ['a number', 42],
      ['a boolean', true],
      ['a Date', new Date()],
    ])('refuses %s with INVALID_TYPE on "changes"', (_kind, changes) => {
      const errors = validate(changes);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ field: 'changes', code: PfaValidationCode.INVALID_TYPE });
      expect(errors[0].message).toMatch(/changes must be an object/);
    });

    it('refuses an empty object with NO_CHANGE', () => {
      expect(validate({})).toEqual([{ field: 'changes', code: 'NO_CHANGE', message: expect.stringMatching(/empty/) }]);
    });

    it('refuses a change whose every value equals the current one with NO_CHANGE', () => {
      expect(codes(validate({ model: 'LTM 1100', monthlyRate: 1200, isDiscontinued: false }))).toEqual(['changes:NO_CHANGE']);
    });

    it('treats 1200.0 as 1200, and null as a missing value, when looking for a change', () => {
      expect(codes(validate({ monthlyRate: 1200.0 }))).toEqual(['changes:NO_CHANGE']);
      expect(codes(validate({ purchasePrice: null }))).toEqual(['changes:NO_CHANGE']);
      const { manufacturer: _dropped, ...withoutManufacturer } = record;
      expect(codes(validate({ manufacturer: null }, withoutManufacturer))).toEqual(['changes:NO_CHANGE']);
    });

    it('accepts a change that repeats current values alongside a real edit', () => {
      expect(validate({ model: 'LTM 1100', monthlyRate: 1300 })).toEqual([]);
    });

    it('reports the field errors, not NO_CHANGE, when the only other fields are unchanged', () => {
      expect(codes(validate({ model: 'LTM 1100', colour: 'red' }))).toEqual(['colour:UNKNOWN_FIELD']);
    });
  });

  describe('unknown and read-only fields', () => {
    it('refuses a field that is not a PFA field', () => {
      const errors = validate({ weight: 12 });
      expect(errors).toEqual([{ field: 'weight', code: 'UNKNOWN_FIELD', message: '"weight" is not a PFA field' }]);
    });

    it('does not mistake object internals for fields', () => {
      const changes = JSON.parse('{"__proto__": {"model": "X"}, "constructor": 1, "hasOwnProperty": 2}');
      expect(codes(validate(changes))).toEqual(['__proto__:UNKNOWN_FIELD', 'constructor:UNKNOWN_FIELD', 'hasOwnProperty:UNKNOWN_FIELD']);
    });

    it('is case-sensitive about field names', () => {
      expect(codes(validate({ MonthlyRate: 10 }))).toEqual(['MonthlyRate:UNKNOWN_FIELD']);
    });

    it.each(['areaSilo', 'originalStart', 'originalEnd', 'actualStart', 'actualEnd', 'isActualized', 'hasPlan', 'hasActuals'])('refuses the read-only field %s', (field) => {
      const errors = validate({ [field]: null });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ field, code: 'READ_ONLY_FIELD' });
      expect(errors[0].message).toContain(field);
    });

    it('refuses a read-only field even when its value is unchanged', () => {
      expect(codes(validate({ areaSilo: 'Silo 4' }))).toEqual(['areaSilo:READ_ONLY_FIELD']);
    });

    it('accepts every editable field', () => {
      const changes = {
        forecastStart: '2025-01-20',
        forecastEnd: '2025-07-31',
        monthlyRate: 900,
        purchasePrice: 50000,
        dor: 'BEO',
        category: 'c',
        class: 'k',
        source: 'Purchase',
        manufacturer: 'm',
        model: 'x',
        isDiscontinued: true,
        isFundsTransferable: false,
      };
      expect(validate(changes)).toEqual([]);
    });
  });

  describe('text fields', () => {
    it('accepts a string up to 255 characters, and an empty string', () => {
      expect(validate({ model: 'x'.repeat(255) })).toEqual([]);
      expect(validate({ category: '' })).toEqual([]);
    });

    it('refuses a string over 255 characters with TOO_LONG', () => {
      expect(validate({ model: 'x'.repeat(256) })).toEqual([{ field: 'model', code: 'TOO_LONG', message: 'model must be at most 255 characters, not 256' }]);
    });

    it.each([
      ['a number', 12],
      ['a boolean', false],
      ['an object', { name: 'X' }],
      ['an array', ['X']],
      ['undefined', undefined],
    ])('refuses %s with INVALID_TYPE', (_kind, value) => {
      const errors = validate({ manufacturer: value });
      expect(codes(errors)).toEqual(['manufacturer:INVALID_TYPE']);
      expect(errors[0].message).toMatch(/^manufacturer must be a string or null/);
    });

    it('accepts null to clear a text field', () => {
      expect(validate({ model: null, category: null })).toEqual([]);
    });
  });

  describe('enumerations', () => {
    it('accepts each value of source and dor', () => {
      expect(validate({ dor: 'BEO' })).toEqual([]);
      expect(validate({ dor: 'PROJECT' }, { ...record, dor: 'BEO' })).toEqual([]);
      expect(validate({ source: 'Purchase', purchasePrice: 1 })).toEqual([]);
      expect(validate({ source: 'Rental' }, { ...record, source: 'Purchase' })).toEqual([]);
    });

    it.each(['', 'rental', 'RENTAL', 'Lease', ' Rental'])('refuses source %j with INVALID_ENUM_VALUE', (value) => {
      const errors = validate({ source: value });
      expect(codes(errors)).toEqual(['source:INVALID_ENUM_VALUE']);
      expect(errors[0].message).toContain('Rental, Purchase');
    });

    it('refuses an empty dor with INVALID_ENUM_VALUE', () => {
      expect(codes(validate({ dor: '' }))).toEqual(['dor:INVALID_ENUM_VALUE']);
    });

    it('refuses a non-string with INVALID_TYPE', () => {
      expect(codes(validate({ dor: 1 }))).toEqual(['dor:INVALID_TYPE']);
      expect(codes(validate({ source: ['Rental'] }))).toEqual(['source:INVALID_TYPE']);
    });

    it('accepts null to clear dor', () => {
      expect(validate({ dor: null })).toEqual([]);
    });
  });

  describe('amounts', () => {
    it('accepts positive amounts, fractions and zero', () => {
      expect(validate({ monthlyRate: 0.01 })).toEqual([]);
      expect(validate({ monthlyRate: 0 })).toEqual([]);
      expect(validate({ purchasePrice: 0 })).toEqual([]);
      expect(validate({ purchasePrice: 1e9 })).toEqual([]);
    });

    it('refuses a negative amount with INVALID_VALUE', () => {
      expect(validate({ monthlyRate: -1 })).toEqual([{ field: 'monthlyRate', code: 'INVALID_VALUE', message: 'monthlyRate must not be negative, not -1' }]);
      expect(codes(validate({ purchasePrice: -0.5 }))).toEqual(['purchasePrice:INVALID_VALUE']);
    });

    it.each([
      ['a numeric string', '1200'],
      ['an empty string', ''],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
      ['a boolean', true],
      ['an object', { amount: 1200 }],
    ])('refuses %s with INVALID_TYPE', (_kind, value) => {
      const errors = validate({ purchasePrice: value });
      expect(codes(errors)).toEqual(['purchasePrice:INVALID_TYPE']);
      expect(errors[0].message).toMatch(/^purchasePrice must be a finite number or null/);
    });
  });

  describe('booleans', () => {
    it('accepts true and false', () => {
      expect(validate({ isFundsTransferable: false })).toEqual([]);
      expect(validate({ isDiscontinued: true })).toEqual([]);
    });

    it.each([
      ['the string "true"', 'true'],
      ['1', 1],
      ['0', 0],
      ['an empty string', ''],
      ['an object', {}],
    ])('refuses %s with INVALID_TYPE', (_kind, value) => {
      expect(codes(validate({ isFundsTransferable: value }))).toEqual(['isFundsTransferable:INVALID_TYPE']);
    });
  });

  describe('dates', () => {
    it('accepts real calendar dates, including 29 February of a leap year', () => {
      expect(validate({ forecastEnd: '2028-02-29' })).toEqual([]);
      expect(validate({ forecastEnd: '2025-12-31' })).toEqual([]);
    });

    it.each([
      '2025-02-30',
      '2025-02-29',
      '2100-02-29',
      '2025-04-31',
      '2025-13-01',
      '2025-00-10',
      '2025-06-00',
      '2025-6-1',
      '2025/06/01',
      '01-06-2025',
      '2025-06-01T00:00:00Z',
      'tomorrow',
      '',
    ])('refuses %j with INVALID_DATE', (value) => {
      const errors = validate({ forecastEnd: value });
      expect(codes(errors)).toEqual(['forecastEnd:INVALID_DATE']);
      expect(errors[0].message).toMatch(/^forecastEnd must be a real calendar date written YYYY-MM-DD/);
    });

    it.each([
      ['a number', 20250601],
      ['a boolean', true],
      ['an object', { date: '2025-06-01' }],
    ])('refuses %s with INVALID_TYPE', (_kind, value) => {
      expect(codes(validate({ forecastStart: value }))).toEqual(['forecastStart:INVALID_TYPE']);
    });

    it('knows which days exist', () => {
      expect(isCalendarDate('2000-02-29')).toBe(true);
      expect(isCalendarDate('1900-02-29')).toBe(false);
      expect(isCalendarDate('2024-09-31')).toBe(false);
      expect(isCalendarDate(20240101)).toBe(false);
    });
  });

  describe('date order', () => {
    it('checks a new forecastStart against the stored forecastEnd', () => {
      const errors = validate({ forecastStart: '2025-07-01' });
      expect(errors).toEqual([
        {
          field: 'forecastStart',
          code: 'INVALID_DATE_ORDER',
          message: 'forecastStart (2025-07-01) must not be after forecastEnd (2025-06-30)',
        },
      ]);
    });

    it('checks a new forecastEnd against the stored forecastStart', () => {
      expect(codes(validate({ forecastEnd: '2025-01-14' }))).toEqual(['forecastEnd:INVALID_DATE_ORDER']);
    });

    it('allows start and end on the same day', () => {
      expect(validate({ forecastStart: '2025-06-30' })).toEqual([]);
    });

    it('judges both new dates together: moving the whole window later passes', () => {
      expect(validate({ forecastStart: '2025-08-01', forecastEnd: '2025-12-31' })).toEqual([]);
    });

    it('refuses two new dates in the wrong order once', () => {
      expect(codes(validate({ forecastStart: '2025-12-31', forecastEnd: '2025-08-01' }))).toEqual(['forecastStart:INVALID_DATE_ORDER']);
    });

    it('allows a date to be cleared, leaving nothing to compare', () => {
      expect(validate({ forecastEnd: null })).toEqual([]);
      expect(validate({ forecastStart: '2030-01-01' }, { ...record, forecastEnd: null })).toEqual([]);
    });

    it('does not block a change that does not touch a pair PEMS already holds out of order', () => {
      const outOfOrder = { ...record, forecastStart: '2025-09-01', forecastEnd: '2025-03-01', originalStart: '2025-12-01', actualStart: '2025-05-01', actualEnd: '2025-04-01' };
      expect(validate({ model: 'LTM 1200' }, outOfOrder)).toEqual([]);
    });

    it('checks that pair again once the change touches it', () => {
      const outOfOrder = { ...record, forecastStart: '2025-09-01', forecastEnd: '2025-03-01' };
      expect(codes(validate({ forecastEnd: '2025-04-01' }, outOfOrder))).toEqual(['forecastEnd:INVALID_DATE_ORDER']);
      expect(validate({ forecastEnd: '2025-10-01' }, outOfOrder)).toEqual([]);
    });

    it('does not treat a resent unchanged date as touching the pair', () => {
      const outOfOrder = { ...record, forecastStart: '2025-09-01', forecastEnd: '2025-03-01' };
      expect(validate({ forecastStart: '2025-09-01', model: 'LTM 1200' }, outOfOrder)).toEqual([]);
    });

    it('does not compare against a stored partner that is not a real date', () => {
      expect(validate({ forecastStart: '2025-02-01' }, { ...record, forecastEnd: 'garbage' })).toEqual([]);
    });

    it('does not add an order error on top of a bad date', () => {
      expect(codes(validate({ forecastStart: '2099-02-30' }))).toEqual(['forecastStart:INVALID_DATE']);
      expect(codes(validate({ forecastStart: '2099-01-01', forecastEnd: 12 }))).toEqual(['forecastEnd:INVALID_TYPE']);
    });
  });

  describe('source and its amount', () => {
    const purchased: PfaData = { ...record, source: 'Purchase', monthlyRate: null, purchasePrice: 80000 };

    it('passes {source: "Rental"} on a record that already has a monthlyRate', () => {
      expect(validate({ source: 'Rental' }, { ...purchased, monthlyRate: 950 })).toEqual([]);
    });

    it('refuses {source: "Rental"} on a record without a monthlyRate', () => {
      expect(validate({ source: 'Rental' }, purchased)).toEqual([
        { field: 'monthlyRate', code: 'MISSING_REQUIRED_FIELD', message: 'monthlyRate is required when source is Rental' },
      ]);
    });

    it('passes a switch to Rental that brings its monthlyRate along', () => {
      expect(validate({ source: 'Rental', monthlyRate: 700 }, purchased)).toEqual([]);
    });

    it('refuses clearing the monthlyRate of a Rental', () => {
      expect(codes(validate({ monthlyRate: null }))).toEqual(['monthlyRate:MISSING_REQUIRED_FIELD']);
    });

    it('allows a zero monthlyRate on a Rental', () => {
      expect(validate({ monthlyRate: 0 })).toEqual([]);
    });

    it('refuses {source: "Purchase"} without a purchasePrice, and allows zero', () => {
      expect(codes(validate({ source: 'Purchase' }))).toEqual(['purchasePrice:MISSING_REQUIRED_FIELD']);
      expect(validate({ source: 'Purchase', purchasePrice: 0 })).toEqual([]);
      expect(validate({ source: 'Purchase' }, { ...record, purchasePrice: 0 })).toEqual([]);
    });

    it('refuses clearing the purchasePrice of a Purchase', () => {
      expect(codes(validate({ purchasePrice: null }, purchased))).toEqual(['purchasePrice:MISSING_REQUIRED_FIELD']);
    });

    it('lets an amount the source does not need be cleared', () => {
      expect(validate({ purchasePrice: null }, { ...record, purchasePrice: 100 })).toEqual([]);
      expect(validate({ monthlyRate: null }, { ...purchased, monthlyRate: 100 })).toEqual([]);
    });

    it('lets the source be cleared', () => {
      expect(validate({ source: null, monthlyRate: null })).toEqual([]);
    });

    it('does not block an unrelated edit of a Rental that PEMS holds without a monthlyRate', () => {
      const incomplete = { ...record, monthlyRate: null };
      expect(validate({ model: 'LTM 1200' }, incomplete)).toEqual([]);
      expect(validate({ purchasePrice: 500 }, incomplete)).toEqual([]);
      expect(codes(validate({ source: 'Rental', monthlyRate: null }, { ...incomplete, source: 'Purchase', purchasePrice: 1 }))).toEqual(['monthlyRate:MISSING_REQUIRED_FIELD']);
    });

    it('reports the amount’s own error, not a missing amount, when it is badly typed', () => {
      expect(codes(validate({ source: 'Rental', monthlyRate: 'a lot' }, purchased))).toEqual(['monthlyRate:INVALID_TYPE']);
      expect(codes(validate({ source: 'rental' }, purchased))).toEqual(['source:INVALID_ENUM_VALUE']);
    });
  });

  describe('business rules', () => {
    const actualized: PfaData = { ...record, isActualized: true, actualStart: '2025-01-20', hasActuals: true };

    it('refuses a source change on an actualized record', () => {
      expect(validate({ source: 'Purchase', purchasePrice: 1000 }, actualized)).toEqual([
        { field: 'source', code: 'BUSINESS_RULE_VIOLATION', message: 'source cannot be changed on an actualized record' },
      ]);
      expect(codes(validate({ source: null }, actualized))).toEqual(['source:BUSINESS_RULE_VIOLATION']);
    });

    it('allows other edits of an actualized record, and a resent unchanged source', () => {
      expect(validate({ monthlyRate: 1100, forecastEnd: '2025-07-31' }, actualized)).toEqual([]);
      expect(validate({ source: 'Rental', model: 'X' }, actualized)).toEqual([]);
    });

    it('allows a source change on a record that is not actualized', () => {
      expect(validate({ source: 'Purchase', purchasePrice: 1000 })).toEqual([]);
    });

    it('refuses un-discontinuing a discontinued record, with false or null', () => {
      const discontinued = { ...record, isDiscontinued: true };
      expect(codes(validate({ isDiscontinued: false }, discontinued))).toEqual(['isDiscontinued:BUSINESS_RULE_VIOLATION']);
      expect(codes(validate({ isDiscontinued: null }, discontinued))).toEqual(['isDiscontinued:BUSINESS_RULE_VIOLATION']);
      expect(validate({ isDiscontinued: false }, discontinued)[0].message).toMatch(/discontinued record cannot be un-discontinued/);
    });

    it('allows discontinuing, and other edits of a discontinued record', () => {
      expect(validate({ isDiscontinued: true })).toEqual([]);
      expect(validate({ isDiscontinued: true, model: 'X' }, { ...record, isDiscontinued: true })).toEqual([]);
    });
  });

  describe('several problems at once', () => {
    it('reports every error in one answer', () => {
      const errors = validate(
        {
          forecastStart: '2026-01-01',
          monthlyRate: -5,
          dor: 'beo',
          model: 'y'.repeat(300),
          isFundsTransferable: 'yes',
          areaSilo: 'Silo 9',
          colour: 'red',
          forecastEnd: '2025-02-30',
          source: 'Purchase',
        },
        { ...record, isActualized: true },
      );
      expect(codes(errors)).toEqual(
        [
          'areaSilo:READ_ONLY_FIELD',
          'colour:UNKNOWN_FIELD',
          'dor:INVALID_ENUM_VALUE',
          'forecastEnd:INVALID_DATE',
          'isFundsTransferable:INVALID_TYPE',
          'model:TOO_LONG',
          'monthlyRate:INVALID_VALUE',
          'purchasePrice:MISSING_REQUIRED_FIELD',
          'source:BUSINESS_RULE_VIOLATION',
        ].sort(),
      );
      for (const e of errors) expect(e.message.length).toBeGreaterThan(10);
    });

    it('reports date order and a missing amount together', () => {
      expect(codes(validate({ forecastStart: '2025-07-01', monthlyRate: null }))).toEqual(['forecastStart:INVALID_DATE_ORDER', 'monthlyRate:MISSING_REQUIRED_FIELD']);
    });
  });

  describe('garbage input', () => {
    it('refuses nested objects and arrays as values without crashing', () => {
      const errors = validate({ model: { $gt: '' }, forecastStart: ['2025-01-01'], monthlyRate: { valueOf: 5 }, isDiscontinued: [true] });
      expect(codes(errors)).toEqual(['forecastStart:INVALID_TYPE', 'isDiscontinued:INVALID_TYPE', 'model:INVALID_TYPE', 'monthlyRate:INVALID_TYPE']);
    });

    it('keeps messages short when the input is huge', () => {
      const huge = 'z'.repeat(1_000_000);
      const errors = validate({ model: huge, source: huge, forecastStart: huge, [huge]: 1 });
      expect(codes(errors)).toEqual([`${huge}:UNKNOWN_FIELD`, 'forecastStart:INVALID_DATE', 'model:TOO_LONG', 'source:INVALID_ENUM_VALUE'].sort());
      for (const e of errors) expect(e.message.length).toBeLessThan(200);
    });

    it('answers a change with many unknown fields with one error each', () => {
      const changes = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field${i}`, i]));
      const errors = validate(changes);
      expect(errors).toHaveLength(500);
      expect(errors.every((e) => e.code === 'UNKNOWN_FIELD')).toBe(true);
    });

    it('copes with a stored record that carries values of the wrong type', () => {
      const odd = { ...record, monthlyRate: '1200' as unknown as number, forecastEnd: 20250630 as unknown as string };
      expect(validate({ model: 'X', forecastStart: '2025-03-01' }, odd)).toEqual([]);
    });

    it('accepts an object without a prototype', () => {
      const changes = Object.create(null) as Record<string, unknown>;
      changes.model = 'LTM 1300';
      expect(validate(changes)).toEqual([]);
    });
  });
});

describe('applyChanges', () => {
  it('returns the record with the changes applied, leaving the original untouched', () => {
    const after = applyChanges(record, { monthlyRate: 1500, model: null });
    expect(after).toEqual({ ...record, monthlyRate: 1500, model: null });
    expect(record.monthlyRate).toBe(1200);
  });

  it('applies successive modifications in order to give the effective record', () => {
    const effective = [{ monthlyRate: 1500 }, { monthlyRate: 1600, forecastEnd: '2025-09-30' }].reduce(applyChanges, record);
    expect(effective).toMatchObject({ monthlyRate: 1600, forecastEnd: '2025-09-30', forecastStart: '2025-01-15' });
  });

  it('leaves out keys that are not PFA fields and values that are not PFA values', () => {
    const after = applyChanges(record, { colour: 'red', model: { nested: true }, category: undefined });
    expect(after).toEqual(record);
    expect(after).not.toHaveProperty('colour');
  });
});
