import { CatalogueContext, Endpoint, RequestOverrides } from './endpoint-catalogue';

/**
 * Malformed variants of a catalogue row's valid request, generated from the shape of its
 * body, query and route parameters. Each case says what the answer must be: exactly 400
 * naming `fields`, or any 4xx (a body too large, a URL too long).
 */
export type MalformedCategory = 'wrong shape' | 'oversized or deeply nested' | 'prototype keys' | 'unstorable text' | 'bad query' | 'bad route parameter';

export interface MalformedCase {
  category: MalformedCategory;
  name: string;
  request: RequestOverrides;
  expected: 400 | '4xx';
  /** Paths the 400's `errors` must point at (the field itself, its parent or its child). */
  fields?: string[];
  /** 'all' (the default): every one of `fields` is named; 'any': at least one (a body missing everything). */
  fieldsMode?: 'all' | 'any';
}

export const KB = 1000;
export const MB = 1000 * KB;

/**
 * `{"a": {"a": ... {"a": "deep"}}}`, `depth` levels: a placeholder that `toJson` writes out as
 * text (JSON.stringify itself runs out of stack on such objects).
 */
export function deeplyNested(depth: number): string {
  return `@@DEEP:${depth}@@`;
}

/** JSON.stringify, with the placeholders of deeplyNested written out. */
export function toJson(body: unknown): string {
  return JSON.stringify(body).replace(/"@@DEEP:(\d+)@@"/g, (_whole, depth: string) => `${'{"a":'.repeat(Number(depth))}"deep"${'}'.repeat(Number(depth))}`);
}

/** Written as JSON text, so `__proto__` and `constructor` arrive as plain keys, as a client sends them. */
const POLLUTION_KEYS: Array<[string, string]> = [
  ['__proto__', '"__proto__": {"polluted": "yes", "isSuperadmin": true}'],
  ['constructor', '"constructor": {"prototype": {"polluted": "yes"}}'],
  ['prototype', '"prototype": {"polluted": "yes"}'],
];

type Json = Record<string, unknown>;
type Expected = 400 | '4xx';
type WrongValue = [label: string, value: unknown, expected: Expected, category: MalformedCategory];

const SHAPE: MalformedCategory = 'wrong shape';
const SIZE: MalformedCategory = 'oversized or deeply nested';
const TEXT: MalformedCategory = 'unstorable text';

/** Values that are certainly wrong where `valid` is expected. */
function wrongValues(valid: unknown): WrongValue[] {
  const oversized: WrongValue[] = [
    ['a 100 kB string', 'x'.repeat(100 * KB), 400, SIZE],
    ['a 1 MB string', 'x'.repeat(MB), '4xx', SIZE],
    ['an object nested 2000 deep', deeplyNested(2000), 400, SIZE],
  ];
  if (typeof valid === 'string') {
    return [
      ['a number', 42, 400, SHAPE],
      ['a boolean', true, 400, SHAPE],
      ['an object', { value: valid }, 400, SHAPE],
      ['an array', [valid], 400, SHAPE],
      // PostgreSQL cannot store a NUL; a lone surrogate is no character (it broke validators, or became U+FFFD).
      ['text with a NUL character', `${valid.slice(0, 3)}\u0000x`, 400, TEXT],
      ['text with a lone high surrogate', `${valid.slice(0, 3)}\uD800x`, 400, TEXT],
      ['text with a lone low surrogate', `\uDC00${valid.slice(0, 3)}`, 400, TEXT],
      ...oversized,
    ];
  }
  if (typeof valid === 'number') {
    return [
      ['the number as a string', String(valid), 400, SHAPE],
      ['text', 'abc', 400, SHAPE],
      ['a boolean', true, 400, SHAPE],
      ['an array', [valid], 400, SHAPE],
      ['an object', {}, 400, SHAPE],
      ...oversized,
    ];
  }
  if (typeof valid === 'boolean') return [['"true" as a string', 'true', 400, SHAPE], ['1', 1, 400, SHAPE], ['an object', {}, 400, SHAPE], ...oversized];
  if (Array.isArray(valid)) {
    return [
      ['an object where an array is expected', Object.fromEntries(valid.map((item, index) => [index, item])), 400, SHAPE],
      ['a string', String(valid[0] ?? 'x'), 400, SHAPE],
      ['an array of numbers', [42], 400, SHAPE],
      ['an array of objects', [{}], 400, SHAPE],
      ['an array of arrays', [valid], 400, SHAPE],
      ['an array with an unknown value', [...valid, 'not-a-known-value'], 400, SHAPE],
      ['an array with a 100 kB string', ['x'.repeat(100 * KB)], 400, SIZE],
      ...oversized,
    ];
  }
  return [['an array where an object is expected', [valid], 400, SHAPE], ['a string', 'x', 400, SHAPE], ['a number', 42, 400, SHAPE], ...oversized];
}

/** Body cases: the whole body wrong, then each field (and each key of an object field) wrong in turn. */
export function bodyCases(endpoint: Endpoint, context: CatalogueContext): MalformedCase[] {
  if (!endpoint.body) return [];
  const valid = endpoint.body(context);
  const optional = new Set(endpoint.optional ?? []);
  const required = Object.keys(valid).filter((field) => !optional.has(field));
  const cases: MalformedCase[] = [];
  const add = (category: MalformedCategory, name: string, rawBody: string, expected: Expected, fields?: string[], contentType?: string) =>
    cases.push({ category, name, request: { rawBody, contentType }, expected, fields });
  // The guard reads an organizationId in the body before the body is validated, so a body without one may name only that.
  const addEmpty = (name: string, rawBody: string) => cases.push({ category: SHAPE, name, request: { rawBody }, expected: 400, fields: required, fieldsMode: 'any' });
  /** The valid body with `entry` (JSON text of one "key": value) spliced in as its first entry. */
  const withEntry = (entry: string) => `{${entry}, ${toJson(valid).slice(1)}`;

  add(SHAPE, 'a null body', 'null', 400);
  addEmpty('an empty body with a JSON content type', '');
  add(SHAPE, 'a JSON string as the body', '"text"', 400);
  add(SHAPE, 'a JSON number as the body', '42', 400);
  add(SHAPE, 'an array as the body', toJson([valid]), 400);
  addEmpty('an empty object', '{}');
  add(SHAPE, 'JSON cut short', toJson(valid).slice(0, -3), 400);
  add(SHAPE, 'not JSON at all, sent as JSON', 'this is not json', 400);
  add(SHAPE, 'single-quoted pseudo-JSON', toJson(valid).replace(/"/g, "'"), 400);
  add(SHAPE, 'the body as text/plain', toJson(valid), 400, undefined, 'text/plain');
  add(SHAPE, 'the body form-encoded', 'x[y]=1&__proto__[polluted]=yes', 400, undefined, 'application/x-www-form-urlencoded');
  add(SHAPE, 'an unknown field', toJson({ ...valid, unexpectedField: 1 }), 400, ['unexpectedField']);
  add(SIZE, 'a 1 MB unknown field', toJson({ ...valid, padding: 'x'.repeat(MB) }), '4xx');
  add(SIZE, 'an unknown field nested 15000 deep (90 kB)', toJson({ ...valid, nested: deeplyNested(15_000) }), '4xx');
  for (const [key, entry] of POLLUTION_KEYS) add('prototype keys', `a top-level "${key}" key`, withEntry(entry), 400, [key]);
  add(TEXT, 'a key with a NUL character', withEntry('"a\\u0000b": 1'), 400);
  add(TEXT, 'a key with a lone surrogate', withEntry('"a\\ud800b": 1'), 400);

  for (const [field, value] of Object.entries(valid)) {
    if (!optional.has(field)) {
      const rest = { ...valid };
      delete rest[field];
      add(SHAPE, `${field} missing`, toJson(rest), 400, [field]);
      add(SHAPE, `${field} null`, toJson({ ...valid, [field]: null }), 400, [field]);
    }
    for (const [label, wrong, expected, category] of wrongValues(value)) {
      // A deep object where an object is expected is wrong in its first key ("a"), which the error may name.
      const named = label.startsWith('an object nested') && value && typeof value === 'object' && !Array.isArray(value) ? `${field}.a` : field;
      add(category, `${field} as ${label}`, toJson({ ...valid, [field]: wrong }), expected, [named]);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;

    for (const [key, entry] of POLLUTION_KEYS) {
      // The polluting key alone, then beside the valid entries: a key that is silently dropped must not pass for a change.
      const placeholder = toJson({ ...valid, [field]: '@@HERE@@' });
      add('prototype keys', `a "${key}" key in ${field}`, placeholder.replace('"@@HERE@@"', `{${entry}}`), 400, [field]);
      add('prototype keys', `a "${key}" key beside valid entries in ${field}`, placeholder.replace('"@@HERE@@"', `{${entry}, ${toJson(value).slice(1)}`), 400, [field]);
    }
    for (const [key, inner] of Object.entries(value as Json)) {
      for (const [label, wrong, expected, category] of wrongValues(inner)) {
        add(category, `${field}.${key} as ${label}`, toJson({ ...valid, [field]: { ...(value as Json), [key]: wrong } }), expected, [`${field}.${key}`]);
      }
    }
  }
  return cases;
}

/** Query parameters that take any text (within a length). */
const FREE_TEXT_PARAMETERS = new Set(['search', 'pfaId']);

/** Query cases: unknown, repeated, empty, out-of-range and oversized parameters. */
export function queryCases(endpoint: Endpoint, context: CatalogueContext): MalformedCase[] {
  if (!endpoint.query) return [];
  const valid = endpoint.query(context);
  const optional = new Set(endpoint.optional ?? []);
  const encode = (query: Record<string, string | number>) =>
    Object.entries(query)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
      .join('&');
  const cases: MalformedCase[] = [];
  const add = (name: string, query: string, expected: Expected, fields?: string[]) => cases.push({ category: 'bad query', name, request: { query }, expected, fields });

  add('an unknown parameter', `${encode(valid)}&unexpected=1`, 400, ['unexpected']);
  add('a bracketed (object-like) unknown parameter', `${encode(valid)}&filter[$ne]=x`, 400);
  add('a 100 kB unknown parameter', `${encode(valid)}&padding=${'x'.repeat(100 * KB)}`, '4xx');
  add('"__proto__" and "constructor" parameters', `${encode(valid)}&__proto__=x&constructor=y`, 400, ['__proto__']);
  for (const [key, value] of Object.entries(valid)) {
    const rest = { ...valid };
    delete rest[key];
    const withValue = (raw: string) => `${encode(rest)}&${encodeURIComponent(key)}=${raw}`;
    if (!optional.has(key)) {
      add(`${key} missing`, encode(rest), 400, [key]);
      add(`${key} empty`, withValue(''), 400, [key]);
    }
    add(`${key} given twice`, `${encode(valid)}&${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`, 400, [key]);
    add(`${key} given twice, differently`, `${encode(valid)}&${encodeURIComponent(key)}=${typeof value === 'number' ? value + 1 : 'other'}`, 400, [key]);
    add(`${key} bracketed`, `${encode(rest)}&${encodeURIComponent(key)}[a]=${encodeURIComponent(String(value))}`, 400);
    add(`${key} 100 kB long`, withValue('x'.repeat(100 * KB)), '4xx');
    if (typeof value === 'number') {
      for (const wrong of ['-1', '0', '1.5', 'abc', '1e400', 'Infinity', 'NaN', '99999999999999999999', '%20', '1,2', String(2 ** 31)]) {
        add(`${key}=${wrong}`, withValue(wrong), 400, [key]);
      }
    } else if (key !== 'search') {
      // Any text is a valid search (up to 255 characters), and any text may be a PEMS key (pfaId); the others are uuids, enumerations and times.
      if (!FREE_TEXT_PARAMETERS.has(key)) add(`${key} as an SQL fragment`, withValue(encodeURIComponent("' OR '1'='1")), 400, [key]);
      add(`${key} as a NUL byte`, withValue('%00'), 400, [key]);
    }
    if (typeof value === 'string') add(`${key} 10 kB long`, withValue('x'.repeat(10 * KB)), 400, [key]);
    if (key === 'search') add(`${key} with a NUL byte`, withValue('ab%00c'), 400, [key]);
  }
  return cases;
}

/** Route parameter cases: each parameter not a uuid in turn. */
export function paramCases(endpoint: Endpoint, context: CatalogueContext): MalformedCase[] {
  if (!endpoint.params) return [];
  const valid = endpoint.params(context);
  const cases: MalformedCase[] = [];
  for (const [param, value] of Object.entries(valid)) {
    for (const [label, wrong] of [
      ['not a uuid', 'not-a-uuid'],
      ['a number', '12345'],
      ['a uuid with a letter out of range', value.replace(/.$/, 'g')],
      ['a uuid with a suffix', `${value}x`],
      ['a uuid without dashes', value.replace(/-/g, '')],
      ['an SQL fragment', "' OR '1'='1"],
      ['a NUL byte', '\u0000'],
      ['2 kB of text', 'x'.repeat(2 * KB)],
    ] as const) {
      cases.push({ category: 'bad route parameter', name: `${param} as ${label}`, request: { params: { ...valid, [param]: wrong } }, expected: 400, fields: [param] });
    }
  }
  return cases;
}

export function allCases(endpoint: Endpoint, context: CatalogueContext): MalformedCase[] {
  return [...bodyCases(endpoint, context), ...queryCases(endpoint, context), ...paramCases(endpoint, context)];
}

/** True when an error `field` points at `expected`, its parent or one of its children (`changes.monthlyRate` ~ `monthlyRate`). */
export function pointsAt(field: string, expected: string): boolean {
  return field === expected || expected.startsWith(`${field}.`) || expected.endsWith(`.${field}`) || field.startsWith(`${expected}.`);
}
