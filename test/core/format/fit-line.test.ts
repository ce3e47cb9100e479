import { describe, expect, it } from 'vitest';
import { fitStatusLine } from '../../../src/core/format/fit-line.js';

/** What a three-agent run's status line looks like: well past an 80-column terminal. */
const LONG =
  'status running · part-a#1 edit src/a.ts (hb 1s ago, 1200 tok) · part-b#2 run npm test (hb 0s ago, 3400 tok) · ' +
  'part-c#1 read docs/guide.md (hb 2s ago, 800 tok) · 0/3 task(s) done · last gate test FAIL · cost $0.0123 · 57 event(s)';

describe('fitStatusLine', () => {
  it('cuts a line wider than the terminal to one column less, ending in an ellipsis', () => {
    expect(LONG.length).toBeGreaterThan(200);
    const fitted = fitStatusLine(LONG, 80);
    expect([...fitted]).toHaveLength(79);
    expect(fitted.endsWith('…')).toBe(true);
    expect(LONG.startsWith(fitted.slice(0, -1))).toBe(true);
  });

  it('leaves a line that fits, and any line when the width is unknown', () => {
    expect(fitStatusLine('status running · cost $0.0000 · 3 event(s)', 80)).toBe('status running · cost $0.0000 · 3 event(s)');
    expect(fitStatusLine(LONG, undefined)).toBe(LONG);
    expect(fitStatusLine('x'.repeat(79), 80)).toBe('x'.repeat(79));
    expect(fitStatusLine('x'.repeat(80), 80)).toBe(`${'x'.repeat(78)}…`);
  });

  it('counts wide characters as two columns and never lets a control character break the line', () => {
    const fitted = fitStatusLine(`status running · ${'漢'.repeat(40)}`, 40);
    const width = [...fitted].reduce((n, ch) => n + (ch === '漢' ? 2 : 1), 0);
    expect(width).toBeLessThanOrEqual(39);
    expect(fitted.endsWith('…')).toBe(true);
    expect(fitStatusLine('a#1 edit\nfile\r (hb 1s ago)', 80)).toBe('a#1 edit file  (hb 1s ago)');
  });
});
