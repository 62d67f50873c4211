/** Line breaks and other control characters (C0, DEL, C1, the Unicode line and paragraph separators); tab is left alone. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` with every control character written as an escape (`\n`, `\r`, `\u001b`…): text from
 * PEMS or from users cannot start a line of its own in a log, nor colour or move a terminal.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => {
    if (character === '\n') return '\\n';
    if (character === '\r') return '\\r';
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
