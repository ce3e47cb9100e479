import { describe, expect, it } from 'vitest';
import { inline, markdownToText, renderMarkdown } from '../../../src/core/format/markdown.js';

describe('terminal Markdown', () => {
  it('renders headings bold without their hashes', () => {
    const [h] = renderMarkdown('## Build **steps** ##');
    expect(h).toMatchObject({ kind: 'heading', level: 2 });
    expect(h!.spans.every((s) => s.bold)).toBe(true);
    expect(markdownToText([h!])).toEqual(['Build steps']);
  });

  it('styles bold, italic, code and links inline', () => {
    expect(inline('a **b** *c* `d*e*` [f](http://x)')).toEqual([
      { text: 'a ' },
      { text: 'b', bold: true },
      { text: ' ' },
      { text: 'c', italic: true },
      { text: ' ' },
      { text: 'd*e*', code: true },
      { text: ' ' },
      { text: 'f' },
      { text: ' (http://x)' },
    ]);
  });

  it('leaves snake_case, arithmetic and lone markers alone', () => {
    for (const s of ['use my_var_name here', '2*3*4 is 24', 'a * b', 'unclosed **bold', 'tick ` alone']) {
      expect(markdownToText([{ kind: 'text', spans: inline(s) }])).toEqual([s]);
      expect(inline(s).some((x) => x.bold || x.italic || x.code)).toBe(false);
    }
  });

  it('keeps fenced code verbatim with its language, markers and all', () => {
    const lines = renderMarkdown('Run:\n```sh\nnpm test -- **x**\n  indented\n```\nafter');
    expect(lines.map((l) => l.kind)).toEqual(['text', 'code', 'code', 'text']);
    expect(lines[1]).toMatchObject({ lang: 'sh', spans: [{ text: '  npm test -- **x**', code: true }] });
    expect(markdownToText(lines)).toEqual(['Run:', '  npm test -- **x**', '    indented', 'after']);
  });

  it('treats an unclosed fence (an answer still streaming) as code to the end', () => {
    const lines = renderMarkdown('x\n```ts\nconst a = 1;\nconst b');
    expect(lines.slice(1).every((l) => l.kind === 'code')).toBe(true);
  });

  it('draws bullets, numbers, nesting, quotes and rules; collapses blank runs', () => {
    const text = markdownToText(renderMarkdown('- one\n  * two\n3. three\n\n\n\n> said\n---'));
    expect(text).toEqual(['• one', '  • two', '3. three', '', '│ said', '────────']);
  });
});
