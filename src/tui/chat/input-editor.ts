/**
 * The REPL's input line as a pure state machine: multi-line text with a cursor, and the history of
 * submitted requests (Up on the first line goes back, Down on the last line forward; the text being
 * typed is kept as a draft while browsing). The Ink component maps keys to these functions.
 */
export interface EditorState {
  text: string;
  /** Offset into `text` (UTF-16 code units, never inside a surrogate pair). */
  cursor: number;
  /** Submitted entries, oldest first. */
  history: readonly string[];
  /** Which history entry is shown, or null when editing the draft. */
  index: number | null;
  draft: string;
}

const HISTORY_MAX = 500;

export function emptyEditor(history: readonly string[] = []): EditorState {
  return { text: '', cursor: 0, history: history.slice(-HISTORY_MAX), index: null, draft: '' };
}

export function insert(s: EditorState, chunk: string): EditorState {
  // Pasted text keeps its line breaks; tabs become spaces so the cursor column stays honest.
  const clean = chunk.replace(/\r\n?/g, '\n').replace(/\t/g, '  ');
  // eslint-disable-next-line no-control-regex -- other control characters are dropped, not typed
  const typed = clean.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '');
  if (typed === '') return s;
  return { ...s, text: s.text.slice(0, s.cursor) + typed + s.text.slice(s.cursor), cursor: s.cursor + typed.length, index: null };
}

export function newline(s: EditorState): EditorState {
  return insert(s, '\n');
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const from = s.cursor - charBefore(s.text, s.cursor);
  return { ...s, text: s.text.slice(0, from) + s.text.slice(s.cursor), cursor: from, index: null };
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  const to = s.cursor + charAfter(s.text, s.cursor);
  return { ...s, text: s.text.slice(0, s.cursor) + s.text.slice(to), index: null };
}

/** Ctrl+W: the word before the cursor, and the spaces after it. */
export function deleteWord(s: EditorState): EditorState {
  const before = s.text.slice(0, s.cursor);
  const kept = before.replace(/\S*\s*$/, '');
  return { ...s, text: kept + s.text.slice(s.cursor), cursor: kept.length, index: null };
}

/** Ctrl+U: everything before the cursor on its line. */
export function deleteToLineStart(s: EditorState): EditorState {
  const start = lineStart(s.text, s.cursor);
  return { ...s, text: s.text.slice(0, start) + s.text.slice(s.cursor), cursor: start, index: null };
}

export function left(s: EditorState): EditorState {
  return { ...s, cursor: Math.max(0, s.cursor - charBefore(s.text, s.cursor)) };
}

export function right(s: EditorState): EditorState {
  return { ...s, cursor: Math.min(s.text.length, s.cursor + charAfter(s.text, s.cursor)) };
}

export function home(s: EditorState): EditorState {
  return { ...s, cursor: lineStart(s.text, s.cursor) };
}

export function end(s: EditorState): EditorState {
  const nl = s.text.indexOf('\n', s.cursor);
  return { ...s, cursor: nl === -1 ? s.text.length : nl };
}

/** Up: the line above inside multi-line text; from the first line, the previous history entry. */
export function up(s: EditorState): EditorState {
  const start = lineStart(s.text, s.cursor);
  if (start > 0) {
    const prevStart = lineStart(s.text, start - 1);
    return { ...s, cursor: Math.min(prevStart + (s.cursor - start), start - 1) };
  }
  if (s.history.length === 0 || s.index === 0) return s;
  const index = s.index === null ? s.history.length - 1 : s.index - 1;
  const text = s.history[index]!;
  return { ...s, index, draft: s.index === null ? s.text : s.draft, text, cursor: text.length };
}

/** Down: the line below; from the last line, the next history entry, then back to the draft. */
export function down(s: EditorState): EditorState {
  const nl = s.text.indexOf('\n', s.cursor);
  if (nl !== -1) {
    const col = s.cursor - lineStart(s.text, s.cursor);
    const nextEnd = s.text.indexOf('\n', nl + 1);
    return { ...s, cursor: Math.min(nl + 1 + col, nextEnd === -1 ? s.text.length : nextEnd) };
  }
  if (s.index === null) return s;
  if (s.index >= s.history.length - 1) return { ...s, index: null, text: s.draft, cursor: s.draft.length };
  const index = s.index + 1;
  const text = s.history[index]!;
  return { ...s, index, text, cursor: text.length };
}

/**
 * Enter. A trailing `\` (for terminals that cannot send Shift+Enter) turns into a line break instead.
 * Otherwise the text is submitted: it joins the history (not twice in a row, not when blank) and the
 * editor empties.
 */
export function submit(s: EditorState): { state: EditorState; submitted: string | null } {
  if (s.cursor === s.text.length && s.text.endsWith('\\')) {
    return { state: { ...s, text: `${s.text.slice(0, -1)}\n`, cursor: s.text.length, index: null }, submitted: null };
  }
  const text = s.text;
  if (text.trim() === '') return { state: { ...s, text: '', cursor: 0, index: null }, submitted: null };
  const history = s.history[s.history.length - 1] === text ? s.history : [...s.history, text].slice(-HISTORY_MAX);
  return { state: { text: '', cursor: 0, history, index: null, draft: '' }, submitted: text };
}

/** Row and column of the cursor (for drawing it). */
export function cursorPosition(s: EditorState): { row: number; col: number } {
  const before = s.text.slice(0, s.cursor);
  const row = before.split('\n').length - 1;
  return { row, col: s.cursor - lineStart(s.text, s.cursor) };
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function charBefore(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xdc00 && code <= 0xdfff && at >= 2 ? 2 : 1;
}

function charAfter(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xd800 && code <= 0xdbff && at + 1 < text.length ? 2 : 1;
}
