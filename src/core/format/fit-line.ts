/**
 * The status line cut to the terminal's width, ending in `…` when cut. `\r\x1b[2K` clears only the
 * cursor's row, so a line that wrapped would leave its first rows behind on every redraw. One column
 * is kept free so the line never reaches the last column (some terminals wrap there at once).
 * Control characters (a newline in an agent's activity text) become spaces. Without a width (not a
 * terminal, or it does not say) the line is not cut.
 */
export function fitStatusLine(line: string, columns: number | undefined): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const clean = line.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  if (columns === undefined || !Number.isFinite(columns) || columns < 2) return clean;
  const room = Math.floor(columns) - 1;
  let width = 0;
  for (const ch of clean) width += charWidth(ch.codePointAt(0)!);
  if (width <= room) return clean;
  let out = '';
  width = 0;
  for (const ch of clean) {
    const w = charWidth(ch.codePointAt(0)!);
    if (width + w > room - 1) break; // leave a column for the ellipsis
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/** Columns a code point takes: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}
