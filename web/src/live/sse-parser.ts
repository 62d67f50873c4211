export interface ServerSentEvent {
  type: string;
  data: string;
}

/**
 * The text/event-stream format, fed chunk by chunk (a chunk may end mid-line): `event:` names
 * the event, `data:` lines are its body, a blank line ends it. Comments (`:`) and other fields
 * are ignored.
 */
export class SseParser {
  private buffer = '';
  private type = '';
  private data: string[] = [];

  push(chunk: string): ServerSentEvent[] {
    this.buffer += chunk;
    const events: ServerSentEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A CR that ends the chunk may be the first half of a CRLF: wait for the next chunk to tell.
      if (this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + (this.buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (this.data.length > 0) events.push({ type: this.type || 'message', data: this.data.join('\n') });
        this.type = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.type = value;
      else if (field === 'data') this.data.push(value);
    }
    return events;
  }
}
