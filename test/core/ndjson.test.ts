import { describe, expect, it } from 'vitest';
import { encodeNdjson, NdjsonDecoder } from '../../src/core/ndjson.js';

describe('ndjson framing', () => {
  it('decodes lines split anywhere, CRLF and a last line without newline', () => {
    const text = `${encodeNdjson({ a: 1 })}{"b":"é"}\r\n\n${encodeNdjson([1, 2])}{"c":true}`;
    for (let cut = 0; cut <= text.length; cut++) {
      const d = new NdjsonDecoder();
      const items = [...d.push(text.slice(0, cut)), ...d.push(text.slice(cut)), ...d.end()];
      expect(items).toEqual([
        { ok: true, value: { a: 1 } },
        { ok: true, value: { b: 'é' } },
        { ok: true, value: [1, 2] },
        { ok: true, value: { c: true } },
      ]);
    }
  });

  it('keeps a garbage line as an item and goes on', () => {
    const d = new NdjsonDecoder();
    const items = d.push('not json {{{\n{"ok":1}\n');
    expect(items[0]).toMatchObject({ ok: false, line: 'not json {{{' });
    expect(items[1]).toEqual({ ok: true, value: { ok: 1 } });
  });

  it('drops an over-long line once, then resumes at the next line', () => {
    const d = new NdjsonDecoder(10);
    const items = [...d.push('x'.repeat(25)), ...d.push('yyy\n{"n":2}\n')];
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ ok: false, error: 'line longer than 10 bytes' });
    expect(items[1]).toEqual({ ok: true, value: { n: 2 } });
  });
});
