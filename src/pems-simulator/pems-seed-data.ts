import { PfaFieldName, PfaValue } from '../pems-contract/pems-pfa-fields';
import { SimulatedPemsRecord } from './pems-record.store';
import { SeededRandom } from './seeded-random';

/**
 * Realistic PFA records for demos and load tests: construction equipment with the
 * manufacturers and models that really go with each class, monthly rates in the range
 * such equipment rents for, plan/forecast/actual dates that agree with each other.
 */
export interface SeedOptions {
  /** Same seed, same records (default 42). */
  seed?: number;
  /** pfaIds are `${idPrefix}${firstNumber + i}` (defaults `PFA-`, 10001). */
  idPrefix?: string;
  firstNumber?: number;
  /** "Today" for deciding which records have actuals, so the output does not depend on the clock (default 2025-07-01). */
  referenceDate?: string;
}

interface EquipmentClass {
  category: string;
  class: string;
  models: readonly (readonly [manufacturer: string, model: string])[];
  /** Monthly rental rate range, USD. */
  rate: readonly [number, number];
}

const EQUIPMENT: readonly EquipmentClass[] = [
  {
    category: 'Cranes',
    class: 'Crawler Crane',
    models: [
      ['Liebherr', 'LR 1300'],
      ['Manitowoc', 'MLC300'],
      ['Kobelco', 'CKE2500G-2'],
    ],
    rate: [38000, 72000],
  },
  {
    category: 'Cranes',
    class: 'All Terrain Crane',
    models: [
      ['Liebherr', 'LTM 1100-5.2'],
      ['Grove', 'GMK5250L'],
      ['Tadano', 'AC 4.100L-1'],
    ],
    rate: [22000, 48000],
  },
  {
    category: 'Cranes',
    class: 'Rough Terrain Crane',
    models: [
      ['Grove', 'GRT8100'],
      ['Tadano', 'GR-1000XL-4'],
      ['Terex', 'RT 90'],
    ],
    rate: [12000, 26000],
  },
  {
    category: 'Cranes',
    class: 'Tower Crane',
    models: [
      ['Liebherr', '280 EC-H 12'],
      ['Potain', 'MDT 389'],
      ['Terex', 'CTT 332'],
    ],
    rate: [15000, 30000],
  },
  {
    category: 'Excavators',
    class: 'Hydraulic Excavator',
    models: [
      ['Caterpillar', '336'],
      ['Komatsu', 'PC360LCi-11'],
      ['Volvo', 'EC380E'],
      ['Hitachi', 'ZX350LC-6'],
    ],
    rate: [9000, 17000],
  },
  {
    category: 'Excavators',
    class: 'Mini Excavator',
    models: [
      ['Caterpillar', '305 CR'],
      ['Kubota', 'KX057-5'],
      ['Bobcat', 'E50'],
    ],
    rate: [2500, 4500],
  },
  {
    category: 'Excavators',
    class: 'Long Reach Excavator',
    models: [
      ['Caterpillar', '352 UHD'],
      ['Komatsu', 'PC490LC-11 LR'],
    ],
    rate: [16000, 26000],
  },
  {
    category: 'Earthmoving',
    class: 'Crawler Dozer',
    models: [
      ['Caterpillar', 'D6'],
      ['Komatsu', 'D65PX-18'],
      ['John Deere', '850L'],
    ],
    rate: [11000, 19000],
  },
  {
    category: 'Earthmoving',
    class: 'Wheel Loader',
    models: [
      ['Caterpillar', '966 GC'],
      ['Volvo', 'L120H'],
      ['Komatsu', 'WA380-8'],
    ],
    rate: [8000, 14000],
  },
  {
    category: 'Earthmoving',
    class: 'Articulated Dump Truck',
    models: [
      ['Volvo', 'A40G'],
      ['Caterpillar', '745'],
      ['Bell', 'B40E'],
    ],
    rate: [12000, 20000],
  },
  {
    category: 'Earthmoving',
    class: 'Motor Grader',
    models: [
      ['Caterpillar', '140 GC'],
      ['John Deere', '672G'],
    ],
    rate: [10000, 16000],
  },
  {
    category: 'Power Generation',
    class: 'Diesel Generator',
    models: [
      ['Caterpillar', 'XQ230'],
      ['Atlas Copco', 'QAS 150'],
      ['Aggreko', '500 kVA'],
      ['Cummins', 'C350D5'],
    ],
    rate: [1800, 7500],
  },
  {
    category: 'Power Generation',
    class: 'Light Tower',
    models: [
      ['Generac', 'MLT6SMD'],
      ['Atlas Copco', 'HiLight V5+'],
      ['Wacker Neuson', 'LTV6L'],
    ],
    rate: [600, 1200],
  },
  {
    category: 'Compressors',
    class: 'Portable Air Compressor',
    models: [
      ['Atlas Copco', 'XAS 185'],
      ['Sullair', '185DPQ'],
      ['Doosan', 'P185WDO'],
    ],
    rate: [900, 2200],
  },
  {
    category: 'Aerial Work Platforms',
    class: 'Boom Lift',
    models: [
      ['JLG', '600S'],
      ['Genie', 'S-65'],
      ['Haulotte', 'HT67 RTJ'],
    ],
    rate: [2200, 4200],
  },
  {
    category: 'Aerial Work Platforms',
    class: 'Scissor Lift',
    models: [
      ['JLG', '3246ES'],
      ['Genie', 'GS-2632'],
      ['Skyjack', 'SJIII 4632'],
    ],
    rate: [700, 1500],
  },
  {
    category: 'Material Handling',
    class: 'Telehandler',
    models: [
      ['JCB', '540-170'],
      ['Caterpillar', 'TL943D'],
      ['Manitou', 'MT 1840'],
    ],
    rate: [3500, 6500],
  },
  {
    category: 'Material Handling',
    class: 'Forklift',
    models: [
      ['Toyota', '8FGU25'],
      ['Hyster', 'H80FT'],
      ['Caterpillar', 'DP40N'],
    ],
    rate: [1200, 2600],
  },
  {
    category: 'Site Support',
    class: 'Water Truck',
    models: [
      ['Caterpillar', '745 Water Tanker'],
      ['Volvo', 'FMX 8x4 Water'],
    ],
    rate: [7000, 12000],
  },
  {
    category: 'Site Support',
    class: 'Site Office Container',
    models: [
      ['Mobile Mini', '40ft Office'],
      ['Williams Scotsman', '12x60 Mobile Office'],
    ],
    rate: [450, 1400],
  },
];

const AREA_SILOS = ['Area 100 - Site Preparation', 'Area 200 - Process Unit', 'Area 300 - Utilities', 'Area 400 - Marine Terminal', 'Area 500 - Tank Farm', 'Laydown Yard'];

const DAY_MS = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

/** A purchase costs roughly 30 to 45 months of rent. */
function purchasePriceFor(rate: number, random: SeededRandom): number {
  return Math.round((rate * random.int(30, 45)) / 100) * 100;
}

export function generateSeedRecords(organization: string, count: number, options: SeedOptions = {}): SimulatedPemsRecord[] {
  const random = new SeededRandom(options.seed ?? 42);
  const idPrefix = options.idPrefix ?? 'PFA-';
  const firstNumber = options.firstNumber ?? 10001;
  const today = options.referenceDate ?? '2025-07-01';
  const records: SimulatedPemsRecord[] = [];

  for (let i = 0; i < count; i++) {
    const equipment = random.pick(EQUIPMENT);
    const [manufacturer, model] = random.pick(equipment.models);
    const source = random.chance(0.75) ? 'Rental' : 'Purchase';
    const rate = Math.round(random.int(equipment.rate[0], equipment.rate[1]) / 50) * 50;

    // Plans span 2024..2026; forecasts move the plan by -30..+90 days and stretch or shrink it.
    const originalStart = addDays('2024-01-01', random.int(0, 900));
    const originalEnd = addDays(originalStart, random.int(30, 720));
    const forecastStart = addDays(originalStart, random.int(-30, 90));
    const forecastEnd = addDays(forecastStart, Math.max(14, Math.round((Date.parse(originalEnd) - Date.parse(originalStart)) / DAY_MS) + random.int(-60, 120)));
    const hasActuals = forecastStart <= today;
    const actualStart = hasActuals ? minDate(addDays(forecastStart, random.int(0, 10)), today) : null;
    const actualEnd = hasActuals && forecastEnd < today ? minDate(addDays(forecastEnd, random.int(-5, 15)), today) : null;
    const actualEndAfterStart = actualEnd !== null && actualStart !== null && actualEnd < actualStart ? actualStart : actualEnd;

    const data: Record<PfaFieldName, PfaValue> = {
      category: equipment.category,
      class: equipment.class,
      source,
      dor: random.chance(0.6) ? 'PROJECT' : 'BEO',
      areaSilo: random.pick(AREA_SILOS),
      manufacturer,
      model,
      monthlyRate: source === 'Rental' ? rate : null,
      purchasePrice: source === 'Purchase' ? purchasePriceFor(rate, random) : null,
      originalStart,
      originalEnd,
      forecastStart,
      forecastEnd,
      actualStart,
      actualEnd: actualEndAfterStart,
      isActualized: actualEndAfterStart !== null,
      isDiscontinued: random.chance(0.05),
      isFundsTransferable: random.chance(0.3),
      hasPlan: true,
      hasActuals,
    };
    const lastModified = new Date(Date.parse(`${today}T00:00:00Z`) - random.int(1, 180 * 24 * 60) * 60_000).toISOString();
    records.push({ organization, pfaId: `${idPrefix}${firstNumber + i}`, recordid: random.int(1, 6), lastModified, data });
  }
  return records;
}
