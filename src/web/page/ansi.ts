/// <reference lib="dom" />
import { h } from './dom.js';

/**
 * Terminal output (gate stdout/stderr) as DOM: SGR colour and bold become classes on spans, every other
 * escape sequence is dropped, and the text itself only ever becomes text nodes.
 */
// eslint-disable-next-line no-control-regex -- matching terminal escapes is the point
const ESC = /\x1b\[([0-9;]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;

export function ansiToNodes(text: string): Node[] {
  const out: Node[] = [];
  let fg: number | null = null;
  let bold = false;
  let last = 0;
  const emit = (chunk: string): void => {
    if (chunk === '') return;
    // eslint-disable-next-line no-control-regex -- control characters other than tab and newline are dropped
    const plain = chunk.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    if (fg === null && !bold) out.push(document.createTextNode(plain));
    else out.push(h('span', { class: [fg === null ? '' : `ansi-${fg}`, bold ? 'ansi-bold' : ''].join(' ').trim() }, plain));
  };
  for (const m of text.matchAll(ESC)) {
    emit(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = (m[1] ?? '').split(';').map((c) => (c === '' ? 0 : Number(c)));
    for (const c of codes) {
      if (c === 0) [fg, bold] = [null, false];
      else if (c === 1) bold = true;
      else if (c === 22) bold = false;
      else if (c === 39) fg = null;
      else if ((c >= 30 && c <= 37) || (c >= 90 && c <= 97)) fg = c;
    }
  }
  emit(text.slice(last));
  return out;
}
