import { PFA_FIELD_NAMES } from '../pems-contract/pems-pfa-fields';
import { invalidValueReason } from './pems-record.store';
import { generateSeedRecords } from './pems-seed-data';

describe('generateSeedRecords', () => {
  const records = generateSeedRecords('RIO', 2000, { seed: 3 });

  it('gives the same records for the same seed and different ones for another', () => {
    expect(generateSeedRecords('RIO', 2000, { seed: 3 })).toEqual(records);
    expect(generateSeedRecords('RIO', 50, { seed: 4 })).not.toEqual(records.slice(0, 50));
  });

  it('fills every field with a value PEMS accepts, under unique pfaIds of the organization', () => {
    expect(new Set(records.map((record) => record.pfaId)).size).toBe(2000);
    expect(records[0].pfaId).toBe('PFA-10001');
    for (const record of records) {
      expect(record.organization).toBe('RIO');
      expect(Object.keys(record.data).sort()).toEqual([...PFA_FIELD_NAMES].sort());
      for (const field of PFA_FIELD_NAMES) expect(invalidValueReason(field, record.data[field])).toBeNull();
      expect(record.recordid).toBeGreaterThanOrEqual(1);
    }
  });

  it('keeps dates in order and the amount that goes with the source', () => {
    for (const { data } of records) {
      expect(data.originalStart! <= data.originalEnd!).toBe(true);
      expect(data.forecastStart! <= data.forecastEnd!).toBe(true);
      if (data.actualEnd !== null) expect(data.actualStart! <= data.actualEnd!).toBe(true);
      expect(data.hasActuals).toBe(data.actualStart !== null);
      expect(data.isActualized).toBe(data.actualEnd !== null);
      if (data.source === 'Rental') {
        expect(data.monthlyRate).toBeGreaterThan(0);
        expect(data.purchasePrice).toBeNull();
      } else {
        expect(data.purchasePrice).toBeGreaterThan(0);
        expect(data.monthlyRate).toBeNull();
      }
    }
  });

  it('uses equipment that goes together: crawler cranes from crane makers, generators from generator makers', () => {
    const categories = new Set(records.map((record) => record.data.category));
    expect([...categories]).toEqual(expect.arrayContaining(['Cranes', 'Excavators', 'Power Generation', 'Earthmoving']));
    const crawlerCraneMakers = new Set(records.filter((r) => r.data.class === 'Crawler Crane').map((r) => r.data.manufacturer));
    expect([...crawlerCraneMakers].sort()).toEqual(['Kobelco', 'Liebherr', 'Manitowoc']);
    const rentals = records.filter((r) => r.data.source === 'Rental').length;
    expect(rentals / records.length).toBeGreaterThan(0.65);
    expect(rentals / records.length).toBeLessThan(0.85);
  });
});
