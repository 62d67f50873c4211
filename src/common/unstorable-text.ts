/** A NUL (PostgreSQL cannot store it in text) or a lone UTF-16 surrogate (no character at all; stored, it would become U+FFFD). */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters it looks for
const UNSTORABLE_CHARACTER = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function holdsUnstorableCharacter(text: string): boolean {
  return UNSTORABLE_CHARACTER.test(text);
}

/** The path of the first key or string value in `value` that holds an unstorable character, or null. */
export function findUnstorableText(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return holdsUnstorableCharacter(value) ? path || '(value)' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const innerPath = path ? `${path}.${key}` : key;
    if (holdsUnstorableCharacter(key)) return innerPath;
    const found = findUnstorableText(inner, innerPath);
    if (found) return found;
  }
  return null;
}
