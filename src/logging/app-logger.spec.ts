import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppLogger } from './app-logger';
import { escapeControlCharacters } from './control-characters';

describe('AppLogger', () => {
  it('writes a message with line breaks as one line, in the file and on the console, so that a value cannot forge a log line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'app-logger-')), 'app.log');
    const logger = new AppLogger('info', file);
    const written: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      logger.warn('Read sync failed: ErrorAlert Bad: x\n2026-11-30T00:00:00.000Z ERROR [Auth] admin logged in\r\u001b[2J', 'PemsReadSync');
    } finally {
      stdout.mockRestore();
    }
    await logger.close();

    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN \[PemsReadSync\] Read sync failed: ErrorAlert Bad: x\\n2026-11-30T00:00:00.000Z ERROR \[Auth\] admin logged in\\r\\u001b\[2J$/);
    const consoleText = written.join('');
    expect(consoleText.trimEnd().split('\n')).toHaveLength(1);
    expect(consoleText).not.toContain('\u001b[2J');
  });

  it('escapes every control character but tab', () => {
    expect(escapeControlCharacters('a\tb\nc\rd\u0000e\u0085f\u2028g')).toBe('a\tb\\nc\\rd\\u0000e\\u0085f\\u2028g');
  });
});
