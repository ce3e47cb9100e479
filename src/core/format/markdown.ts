/**
 * A small terminal Markdown renderer for streamed agent answers (the REPL): headings, bold, italic,
 * inline code, fenced code blocks, lists, block quotes, rules and links. It returns styled lines, not
 * escape codes, so each surface applies its own styles and tests read plain text. Partial input (an
 * answer still streaming) renders as far as it goes: an unclosed fence is a code block to the end.
 */
export interface Span {
  text: string;
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
}

export type MdLineKind = 'text' | 'heading' | 'code' | 'quote' | 'rule' | 'blank' | 'item';

export interface MdLine {
  kind: MdLineKind;
  /** What the line shows, its prefix (bullet, number, quote bar, code gutter) included. */
  spans: Span[];
  /** Heading level 1–6. */
  level?: number;
  /** A fenced block's info string (`ts`, `sh`) on its code lines. */
  lang?: string;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;

export function renderMarkdown(source: string): MdLine[] {
  const out: MdLine[] = [];
  let fence: { marker: string; lang: string } | null = null;
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\t/g, '    ');
    if (fence) {
      const close = FENCE.exec(line);
      if (close && close[1]!.startsWith(fence.marker) && line.trim() === close[1]) {
        fence = null;
        continue;
      }
      out.push({ kind: 'code', spans: [{ text: `  ${line}`, code: true }], ...(fence.lang ? { lang: fence.lang } : {}) });
      continue;
    }
    const open = FENCE.exec(line);
    if (open) {
      fence = { marker: open[1]!, lang: open[2] ?? '' };
      continue;
    }
    out.push(blockLine(line));
  }
  // Collapse runs of blank lines: a model's double spacing wastes rows on a small terminal.
  return out.filter((l, i) => !(l.kind === 'blank' && (i === 0 || out[i - 1]!.kind === 'blank')));
}

function blockLine(line: string): MdLine {
  if (line.trim() === '') return { kind: 'blank', spans: [] };
  if (RULE.test(line)) return { kind: 'rule', spans: [{ text: '────────' }] };
  const h = HEADING.exec(line);
  if (h) return { kind: 'heading', level: h[1]!.length, spans: inline(h[2]!).map((s) => ({ ...s, bold: true })) };
  const b = BULLET.exec(line);
  if (b) return { kind: 'item', spans: [{ text: `${b[1]!}• ` }, ...inline(b[2]!)] };
  const o = ORDERED.exec(line);
  if (o) return { kind: 'item', spans: [{ text: `${o[1]!}${o[2]!}. ` }, ...inline(o[3]!)] };
  const q = QUOTE.exec(line);
  if (q) return { kind: 'quote', spans: [{ text: '│ ' }, ...inline(q[1]!).map((s) => ({ ...s, italic: true }))] };
  return { kind: 'text', spans: inline(line) };
}

/**
 * Inline styles. `**x**`/`__x__` bold, `*x*`/`_x_` italic (not inside a word, so snake_case and
 * 2*3*4 stay as they are), `` `x` `` code (nothing inside is styled), `[text](url)` as `text (url)`.
 */
export function inline(text: string): Span[] {
  const spans: Span[] = [];
  let plain = '';
  const flush = () => {
    if (plain) spans.push({ text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '`') {
      const ticks = /^`+/.exec(text.slice(i))![0];
      const end = text.indexOf(ticks, i + ticks.length);
      if (end > i) {
        flush();
        spans.push({ text: text.slice(i + ticks.length, end).replace(/^ (.*) $/, '$1'), code: true });
        i = end + ticks.length;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && text[i + 1] === ch) {
      const end = text.indexOf(ch + ch, i + 2);
      if (end > i + 2 && text[i + 2] !== ' ') {
        flush();
        for (const s of inline(text.slice(i + 2, end))) spans.push({ ...s, bold: true });
        i = end + 2;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && !isWord(text[i - 1]) && text[i + 1] !== undefined && text[i + 1] !== ' ' && text[i + 1] !== ch) {
      const end = closingEmphasis(text, i + 1, ch);
      if (end > 0) {
        flush();
        for (const s of inline(text.slice(i + 1, end))) spans.push({ ...s, italic: true });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(text.slice(i));
      if (link) {
        flush();
        spans.push(...inline(link[1]!));
        if (link[2] !== link[1]) spans.push({ text: ` (${link[2]!})` });
        i += link[0].length;
        continue;
      }
    }
    plain += ch;
    i += 1;
  }
  flush();
  return spans;
}

function closingEmphasis(text: string, from: number, ch: string): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === ch && text[j - 1] !== ' ' && text[j + 1] !== ch && !isWord(text[j + 1])) return j;
  }
  return -1;
}

function isWord(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

/** The lines as plain text (what a terminal without styles shows; what tests compare). */
export function markdownToText(lines: readonly MdLine[]): string[] {
  return lines.map((l) => l.spans.map((s) => s.text).join(''));
}
