/**
 * Incremental Server-Sent Events decoder: feed it bytes as they arrive (split anywhere, even inside a
 * UTF-8 character or a `\r\n`), get back the `data` payload of every complete event. Only `data`
 * matters for Chat Completions; other fields and `:` comments are skipped.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder();
  private pending = '';
  private data: string[] = [];

  /** Feeds a chunk of the body; returns the payloads of the events it completed. */
  push(bytes: Uint8Array): string[] {
    return this.consume(this.decoder.decode(bytes, { stream: true }));
  }

  /** The body ended: returns whatever complete or unterminated event was left. */
  end(): string[] {
    const out = this.consume(`${this.decoder.decode()}\n\n`);
    this.pending = '';
    return out;
  }

  private consume(text: string): string[] {
    const buffer = this.pending + text;
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf('\n', start);
      if (newline < 0) break;
      let line = buffer.slice(start, newline);
      start = newline + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (this.data.length > 0) out.push(this.data.join('\n'));
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      if (field !== 'data') continue;
      const value = colon < 0 ? '' : line.slice(colon + 1);
      this.data.push(value.startsWith(' ') ? value.slice(1) : value);
    }
    this.pending = buffer.slice(start);
    return out;
  }
}
