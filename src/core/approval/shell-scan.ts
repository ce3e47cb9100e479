/** Low-level scanning helpers for the shell lexer: matching brackets and ANSI-C quotes. */

/** Index of the `close` matching an already-open `open`, skipping quotes and nested substitutions; -1 if none. */
export function scanBalanced(src: string, from: number, open: string, close: string): number {
  let depth = 1;
  let i = from;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      i += 2;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end === -1) return -1;
      i = end + 1;
    } else if (c === '"') {
      i = skipDouble(src, i + 1);
      if (i === -1) return -1;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end === -1) return -1;
      i = end + 1;
    } else {
      if (c === open) depth++;
      else if (c === close && --depth === 0) return i;
      i++;
    }
  }
  return -1;
}

function skipDouble(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if (c === '$' && src[i + 1] === '(') {
      const end = scanBalanced(src, i + 2, '(', ')');
      if (end === -1) return -1;
      i = end + 1;
    } else i++;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** Decodes `$'…'` from just after the opening quote: `\xHH`, octal, `\uXXXX` and the C escapes. */
export function decodeAnsiC(src: string, from: number): { text: string; end: number; closed: boolean } {
  let out = '';
  let pos = from;
  while (pos < src.length) {
    const c = src[pos]!;
    if (c === "'") return { text: out, end: pos + 1, closed: true };
    if (c !== '\\') {
      out += c;
      pos++;
      continue;
    }
    const rest = src.slice(pos + 1);
    const hex = /^x([0-9A-Fa-f]{1,2})/.exec(rest);
    const oct = /^([0-7]{1,3})/.exec(rest);
    const uni = /^[uU]([0-9A-Fa-f]{1,8})/.exec(rest);
    if (hex) {
      out += String.fromCharCode(parseInt(hex[1]!, 16));
      pos += 1 + hex[0].length;
    } else if (oct) {
      out += String.fromCharCode(parseInt(oct[1]!, 8));
      pos += 1 + oct[0].length;
    } else if (uni) {
      out += String.fromCodePoint(Math.min(parseInt(uni[1]!, 16), 0x10ffff));
      pos += 1 + uni[0].length;
    } else {
      const e = src[pos + 1] ?? '';
      out += SIMPLE_ESCAPES[e] ?? `\\${e}`;
      pos += 2;
    }
  }
  return { text: out, end: src.length, closed: false };
}
