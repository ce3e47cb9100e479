/**
 * Sets one key in TOML source text, leaving every other line (comments, blank lines, ordering,
 * formatting) exactly as it was. The edit is checked by re-parsing: the new document must equal the
 * old one with only that key changed, otherwise the edit is refused rather than risk a wrong file.
 */
import { parse } from 'smol-toml';
import { formatKey, getAt, isTable, parseKey } from './keys.js';
import { tomlKey } from './value.js';
import type { ConfigTree } from './types.js';

export type TomlEditResult = { ok: true; text: string } | { ok: false; reason: string };

type Statement =
  | { kind: 'header'; path: string[]; array: boolean; line: number }
  | { kind: 'key'; path: string[]; line: number; end: number; prefix: string; rest: string };

const KEY_PART = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
const KEY_LINE = new RegExp(String.raw`^(\s*)(${KEY_PART}(?:\s*\.\s*${KEY_PART})*)\s*=\s*`);
const HEADER_LINE = /^\s*(\[\[?)\s*(.+?)\s*(\]\]?)\s*(?:#.*)?$/;

function parsesAsValue(text: string): boolean {
  try {
    parse(`v = ${text}`);
    return true;
  } catch {
    return false;
  }
}

/** Headers and key/value statements with their line spans; multi-line values are skipped whole. */
function scan(lines: readonly string[]): Statement[] {
  const out: Statement[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[')) {
      const match = HEADER_LINE.exec(line);
      const path = match?.[2] === undefined ? undefined : parseKey(match[2]);
      if (match && path) out.push({ kind: 'header', path, array: match[1] === '[[', line: i });
      continue;
    }
    const match = KEY_LINE.exec(line);
    const path = match?.[2] === undefined ? undefined : parseKey(match[2]);
    if (!match || !path) continue;
    const rest = line.slice(match[0].length);
    let end = i;
    let value = rest;
    while (!parsesAsValue(value) && end + 1 < lines.length) {
      end += 1;
      value += `\n${lines[end] ?? ''}`;
    }
    if (!parsesAsValue(value)) end = i;
    out.push({ kind: 'key', path, line: i, end, prefix: match[0], rest });
    i = end;
  }
  return out;
}

const samePath = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => s === b[i]);
const isPrefix = (p: readonly string[], of: readonly string[]) => p.length <= of.length && p.every((s, i) => s === of[i]);

/** `value = 1 # note` → keeps `# note` (and the spacing before it) when the value is replaced. */
function trailingComment(rest: string): string {
  for (let i = rest.indexOf('#'); i !== -1; i = rest.indexOf('#', i + 1)) {
    const before = rest.slice(0, i);
    if (parsesAsValue(before)) {
      const spacing = before.slice(before.trimEnd().length);
      return `${spacing === '' ? ' ' : spacing}${rest.slice(i)}`;
    }
  }
  return '';
}

interface Section {
  path: string[];
  /** Line of the header, or -1 for the root table. */
  header: number;
  keys: Array<Extract<Statement, { kind: 'key' }>>;
}

function sections(statements: readonly Statement[]): Section[] {
  const out: Section[] = [{ path: [], header: -1, keys: [] }];
  let current: Section | undefined = out[0];
  for (const st of statements) {
    if (st.kind === 'header') {
      // Arrays of tables are never config tables; keys under them must not match.
      current = st.array ? undefined : { path: st.path, header: st.line, keys: [] };
      if (current) out.push(current);
    } else {
      current?.keys.push(st);
    }
  }
  return out;
}

function insertLineIn(lines: string[], section: Section, keyText: string, valueText: string): string[] {
  const last = section.keys[section.keys.length - 1];
  const at = last ? last.end + 1 : section.header + 1;
  const indent = last ? (/^\s*/.exec(lines[last.line] ?? '')?.[0] ?? '') : '';
  return [...lines.slice(0, at), `${indent}${keyText} = ${valueText}`, ...lines.slice(at)];
}

function edit(text: string, original: ConfigTree, path: readonly string[], valueText: string): string[] | undefined {
  const lines = text.split('\n');
  const all = sections(scan(lines));
  // 1. The key is already written somewhere: replace its value in place.
  for (const section of all) {
    for (const key of section.keys) {
      if (!samePath([...section.path, ...key.path], path)) continue;
      const comment = key.end === key.line ? trailingComment(key.rest) : '';
      return [...lines.slice(0, key.line), `${key.prefix}${valueText}${comment}`, ...lines.slice(key.end + 1)];
    }
  }
  const tablePath = path.slice(0, -1);
  const leaf = path[path.length - 1] ?? '';
  // 2. Its table has a [header]: add the key after the table's last key.
  const own = all.filter((s) => samePath(s.path, tablePath));
  const ownSection = own[own.length - 1];
  if (ownSection && (ownSection.header !== -1 || tablePath.length === 0)) {
    return insertLineIn(lines, ownSection, tomlKey(leaf), valueText);
  }
  // 3. No such table yet: append a new [section].
  if (getAt(original, tablePath) === undefined) {
    const body = text.replace(/\n*$/, '');
    const head = body === '' ? [] : [...body.split('\n'), ''];
    return [...head, `[${formatKey(tablePath)}]`, `${tomlKey(leaf)} = ${valueText}`, ''];
  }
  // 4. The table exists only through dotted keys: add a dotted key in the nearest enclosing section.
  const enclosing = all.filter((s) => isPrefix(s.path, tablePath)).sort((a, b) => b.path.length - a.path.length)[0];
  if (!enclosing) return undefined;
  const relative = path.slice(enclosing.path.length).map(tomlKey).join('.');
  return insertLineIn(lines, enclosing, relative, valueText);
}

function equalValues(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return String(a) === String(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => equalValues(v, b[i]));
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => equalValues(a[k], b[k]));
  }
  return Object.is(a, b);
}

function without(tree: ConfigTree, path: readonly string[]): ConfigTree {
  const [head, ...tail] = path;
  if (head === undefined || !Object.hasOwn(tree, head)) return tree;
  const out = { ...tree };
  const child = out[head];
  if (tail.length === 0 || !isTable(child)) delete out[head];
  else {
    const pruned = without(child, tail);
    if (Object.keys(pruned).length === 0) delete out[head];
    else out[head] = pruned;
  }
  return out;
}

/**
 * Sets `path` to the TOML value `valueText` in `text`. `text` must already be valid TOML.
 * Returns the new text, or why the edit could not be made safely.
 */
export function setTomlValue(text: string, path: readonly string[], valueText: string): TomlEditResult {
  if (path.length === 0) return { ok: false, reason: 'an empty key' };
  let original: ConfigTree;
  let wanted: unknown;
  try {
    original = parse(text);
    wanted = parse(`v = ${valueText}`).v;
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) };
  }
  const lines = edit(text, original, path, valueText);
  const next = lines?.join('\n');
  if (next === undefined) return { ok: false, reason: `no place to write ${formatKey(path)}` };
  let edited: ConfigTree;
  try {
    edited = parse(next);
  } catch {
    return { ok: false, reason: `writing ${formatKey(path)} here would conflict with how the file defines its tables` };
  }
  const keyOk = equalValues(getAt(edited, path), wanted);
  const restOk = equalValues(without(edited, path), without(original, path));
  if (!keyOk || !restOk) return { ok: false, reason: `the edit of ${formatKey(path)} did not round-trip` };
  return { ok: true, text: next };
}
