import { PfaData } from '../validation/pfa-fields';
import { ConflictDetectionService } from './conflict-detection.service';

/** PEMS's record as the user saw it when editing. */
const seen: PfaData = {
  source: 'Rental',
  monthlyRate: 1000,
  model: 'LTM 1100',
  forecastStart: '2025-01-15',
  forecastEnd: '2025-06-30',
  isFundsTransferable: true,
  purchasePrice: null,
};

describe('ConflictDetectionService', () => {
  const service = new ConflictDetectionService();

  describe('needsCheck', () => {
    it('asks for a comparison only when the mirror moved past the modification’s base version', () => {
      expect(service.needsCheck(3, 4)).toBe(true);
      expect(service.needsCheck(3, 3)).toBe(false);
      expect(service.needsCheck(5, 4)).toBe(false);
    });
  });

  describe('detect', () => {
    it('finds no conflict when PEMS has not changed the record', () => {
      expect(service.detect({ changes: { monthlyRate: 1200 }, baseValues: { monthlyRate: 1000 }, theirs: seen })).toEqual({ outcome: 'no_conflict' });
    });

    it('finds no conflict when PEMS changed only a field we do not touch', () => {
      const theirs = { ...seen, model: 'LTM 1200', forecastEnd: '2025-12-31' };
      expect(service.detect({ changes: { monthlyRate: 1200 }, baseValues: { monthlyRate: 1000 }, theirs })).toEqual({ outcome: 'no_conflict' });
    });

    it('finds a conflict when PEMS changed the same field to a different value', () => {
      const theirs = { ...seen, monthlyRate: 1100 };
      expect(service.detect({ changes: { monthlyRate: 1200 }, baseValues: { monthlyRate: 1000 }, theirs })).toEqual({
        outcome: 'conflict',
        conflictFields: ['monthlyRate'],
        localData: { monthlyRate: 1200 },
        pemsData: { monthlyRate: 1100 },
        baseData: { monthlyRate: 1000 },
      });
    });

    it('completes without sending when PEMS already holds our value, though it differs from the base', () => {
      const theirs = { ...seen, monthlyRate: 1200 };
      expect(service.detect({ changes: { monthlyRate: 1200 }, baseValues: { monthlyRate: 1000 }, theirs })).toEqual({ outcome: 'already_applied' });
    });

    it('completes without sending a repeated delivery of a multi-field write', () => {
      const changes = { monthlyRate: 1200, forecastEnd: '2025-08-31', isFundsTransferable: false };
      const baseValues = { monthlyRate: 1000, forecastEnd: '2025-06-30', isFundsTransferable: true };
      const theirs = { ...seen, ...changes, model: 'someone else’s edit' };
      expect(service.detect({ changes, baseValues, theirs })).toEqual({ outcome: 'already_applied' });
    });

    it('sends again when some fields are already applied and the rest are untouched in PEMS', () => {
      const changes = { monthlyRate: 1200, forecastEnd: '2025-08-31' };
      const baseValues = { monthlyRate: 1000, forecastEnd: '2025-06-30' };
      const theirs = { ...seen, monthlyRate: 1200 };
      expect(service.detect({ changes, baseValues, theirs })).toEqual({ outcome: 'no_conflict' });
    });

    it('reports only the conflicting fields, but the three values of every changed field', () => {
      const changes = { monthlyRate: 1200, forecastEnd: '2025-08-31', model: 'LTM 1300' };
      const baseValues = { monthlyRate: 1000, forecastEnd: '2025-06-30', model: 'LTM 1100' };
      const theirs = { ...seen, forecastEnd: '2025-07-31', model: 'LTM 1300' };
      expect(service.detect({ changes, baseValues, theirs })).toEqual({
        outcome: 'conflict',
        conflictFields: ['forecastEnd'],
        localData: { monthlyRate: 1200, forecastEnd: '2025-08-31', model: 'LTM 1300' },
        pemsData: { monthlyRate: 1000, forecastEnd: '2025-07-31', model: 'LTM 1300' },
        baseData: { monthlyRate: 1000, forecastEnd: '2025-06-30', model: 'LTM 1100' },
      });
    });

    it('compares numbers numerically: 1200 and 1200.0 are the same value', () => {
      const theirs = { ...seen, monthlyRate: 1200.0 };
      expect(service.detect({ changes: { monthlyRate: 1200 }, baseValues: { monthlyRate: 1000.0 }, theirs })).toEqual({ outcome: 'already_applied' });
      expect(service.detect({ changes: { monthlyRate: 1200 }, baseValues: { monthlyRate: 1000 }, theirs: { ...seen, monthlyRate: 1000.0 } })).toEqual({
        outcome: 'no_conflict',
      });
      expect(service.detect({ changes: { monthlyRate: 1200 }, baseValues: { monthlyRate: 1000 }, theirs: { ...seen, monthlyRate: 1200.5 } })).toMatchObject({
        outcome: 'conflict',
        conflictFields: ['monthlyRate'],
      });
    });

    it('treats a field missing from PEMS’s record or from the base values as null', () => {
      const { purchasePrice: _dropped, ...withoutPrice } = seen;
      expect(service.detect({ changes: { purchasePrice: 5000 }, baseValues: { purchasePrice: null }, theirs: withoutPrice })).toEqual({ outcome: 'no_conflict' });
      expect(service.detect({ changes: { purchasePrice: 5000 }, baseValues: {}, theirs: seen })).toEqual({ outcome: 'no_conflict' });
      expect(service.detect({ changes: { purchasePrice: 5000 }, baseValues: {}, theirs: { ...seen, purchasePrice: 4000 } })).toEqual({
        outcome: 'conflict',
        conflictFields: ['purchasePrice'],
        localData: { purchasePrice: 5000 },
        pemsData: { purchasePrice: 4000 },
        baseData: { purchasePrice: null },
      });
    });

    it('sees PEMS clearing a field as a change, and clearing it ourselves as a value', () => {
      expect(service.detect({ changes: { model: 'LTM 1300' }, baseValues: { model: 'LTM 1100' }, theirs: { ...seen, model: null } })).toMatchObject({
        outcome: 'conflict',
        pemsData: { model: null },
      });
      expect(service.detect({ changes: { model: null }, baseValues: { model: 'LTM 1100' }, theirs: { ...seen, model: null } })).toEqual({ outcome: 'already_applied' });
      const { model: _dropped, ...withoutModel } = seen;
      expect(service.detect({ changes: { model: null }, baseValues: { model: 'LTM 1100' }, theirs: withoutModel })).toEqual({ outcome: 'already_applied' });
    });

    it('compares booleans by value, never by truthiness', () => {
      const changes = { isFundsTransferable: false };
      const baseValues = { isFundsTransferable: true };
      expect(service.detect({ changes, baseValues, theirs: seen })).toEqual({ outcome: 'no_conflict' });
      expect(service.detect({ changes, baseValues, theirs: { ...seen, isFundsTransferable: false } })).toEqual({ outcome: 'already_applied' });
      expect(service.detect({ changes, baseValues, theirs: { ...seen, isFundsTransferable: null } })).toMatchObject({
        outcome: 'conflict',
        conflictFields: ['isFundsTransferable'],
      });
    });

    it('compares dates as their YYYY-MM-DD text', () => {
      const changes = { forecastStart: '2025-02-01' };
      const baseValues = { forecastStart: '2025-01-15' };
      expect(service.detect({ changes, baseValues, theirs: { ...seen, forecastStart: '2025-01-20' } })).toMatchObject({
        outcome: 'conflict',
        conflictFields: ['forecastStart'],
      });
      expect(service.detect({ changes, baseValues, theirs: { ...seen, forecastStart: '2025-02-01' } })).toEqual({ outcome: 'already_applied' });
    });

    it('does not confuse a number with its text', () => {
      expect(service.detect({ changes: { monthlyRate: 1200 }, baseValues: { monthlyRate: 1000 }, theirs: { ...seen, monthlyRate: '1000' as unknown as number } })).toMatchObject({
        outcome: 'conflict',
      });
    });

    it('has nothing to write for a modification without fields', () => {
      expect(service.detect({ changes: {}, baseValues: {}, theirs: seen })).toEqual({ outcome: 'already_applied' });
    });
  });

  describe('fieldConflicts', () => {
    it('is the three-way rule: theirs differs from both base and ours', () => {
      expect(service.fieldConflicts(1, 2, 3)).toBe(true);
      expect(service.fieldConflicts(1, 2, 1)).toBe(false);
      expect(service.fieldConflicts(1, 2, 2)).toBe(false);
      expect(service.fieldConflicts(undefined, 2, null)).toBe(false);
    });
  });
});
