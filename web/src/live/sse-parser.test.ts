import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('gives an event only when its blank line has arrived, whatever the chunks', () => {
    const parser = new SseParser();
    expect(parser.push('event: sync.comp')).toEqual([]);
    expect(parser.push('leted\ndata: {"a":')).toEqual([]);
    expect(parser.push('1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ type: 'sync.completed', data: '{"a":1}' }]);
  });

  it('reads CRLF and CR line ends, joins data lines, skips comments and unknown fields', () => {
    const parser = new SseParser();
    const events = parser.push(': keep-alive comment\r\nid: 7\r\nevent: conflict.created\r\ndata: line one\rdata: line two\r\n\r\ndata: plain\n\n');
    expect(events).toEqual([
      { type: 'conflict.created', data: 'line one\nline two' },
      { type: 'message', data: 'plain' },
    ]);
  });

  it('reads a CRLF split between two chunks as one line end', () => {
    const parser = new SseParser();
    expect(parser.push('event: sync.failed\r')).toEqual([]);
    expect(parser.push('\ndata: {}\r')).toEqual([]);
    expect(parser.push('\n\r\n')).toEqual([{ type: 'sync.failed', data: '{}' }]);
  });

  it('does not carry an event type over to the next event', () => {
    const parser = new SseParser();
    expect(parser.push('event: keep-alive\n\ndata: {}\n\n')).toEqual([{ type: 'message', data: '{}' }]);
  });
});
