/**
 * Markdown pieces for text omk did not write (goal prompts, gap sentences, file names, reviewer
 * notes). Every piece is folded onto one line, so nothing from the evidence can start a heading,
 * a fence or a line of its own — in particular, never a line that looks like omk's PR marker.
 */

/** Folds every run of whitespace that contains a newline into one space, and trims. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * Plain text: one line, `<` and `>` as entities (no raw HTML, no hidden comments that could pose
 * as a marker), `@name` defused with a zero-width space (agent-written text must not notify people
 * or teams), and at most `max` characters.
 */
export function text(value: string, max = 500): string {
  return clip(oneLine(value), max)
    .replace(/&(?=[#A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/(^|[^A-Za-z0-9_`])@(?=[A-Za-z0-9])/g, '$1@\u200b');
}

/** A table cell: plain text with `|` escaped (GFM splits cells on it). */
export function cell(value: string, max = 200): string {
  return text(value, max).replace(/\|/g, '\\|');
}

/**
 * An inline code span: one line, fenced by a run of backticks longer than any inside it (CommonMark),
 * padded when it starts or ends with a backtick. `inTable` also escapes `|`, which GFM needs even
 * inside code spans in a table.
 */
export function code(value: string, options: { max?: number; inTable?: boolean } = {}): string {
  const body = clip(oneLine(value), options.max ?? 200);
  if (body === '') return '';
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  const span = `${fence}${pad}${body}${pad}${fence}`;
  return options.inTable ? span.replace(/\|/g, '\\|') : span;
}

/** A GFM table; cells must already be escaped (cell/code with inTable). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(row)];
}

/**
 * At most `max` characters, ending with `…` when cut. Never splits a surrogate pair, so the
 * result is always valid UTF-16.
 */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = Math.max(0, max - 1);
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}
