import { redactSecrets } from './redact.js';

/**
 * Redacts text that arrives in pieces (an agent's streamed answer). A secret split across two
 * pieces is never seen whole by a piece-by-piece redactor, so this one holds back the unfinished
 * last word (secrets have no whitespace) and any open `-----BEGIN … PRIVATE KEY-----` block until it
 * is complete, and releases only text that can no longer be the start of a secret.
 */
export class StreamRedactor {
  private pending = '';

  /** @param maxHold a word longer than this is released (redacted) anyway, so memory stays bounded. @default 4096 */
  constructor(private readonly maxHold = 4096) {}

  /** Feeds one piece; returns the redacted text that is now safe to emit (may be empty). */
  push(piece: string): string {
    this.pending += piece;
    const cut = this.safeCut();
    if (cut === 0) return '';
    const out = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return redactSecrets(out);
  }

  /** The rest, redacted (at the end of the stream). */
  flush(): string {
    const out = this.pending;
    this.pending = '';
    return out === '' ? '' : redactSecrets(out);
  }

  private safeCut(): number {
    const text = this.pending;
    const open = text.lastIndexOf('-----BEGIN');
    if (open >= 0 && !/-----END [A-Z ]*PRIVATE KEY-----/.test(text.slice(open)) && text.length - open <= this.maxHold * 4) return open;
    // Up to and including the last whitespace; the word after it may still be growing.
    let cut = -1;
    for (let i = text.length - 1; i >= 0; i--) {
      if (/\s/.test(text[i]!)) {
        cut = i + 1;
        break;
      }
    }
    if (cut < 0) return text.length > this.maxHold ? text.length : 0;
    if (text.length - cut > this.maxHold) return text.length;
    // A `NAME=value` or `Bearer value` secret spans one whitespace: keep the word before it too.
    const before = text.slice(0, cut).trimEnd();
    const lastWord = /\S+$/.exec(before)?.[0] ?? '';
    if (/^(Bearer|Basic)$/i.test(lastWord) || /[:=]["']?$/.test(lastWord)) return before.length - lastWord.length;
    return cut;
  }
}
