import path from 'node:path';
import type { Word } from './shell-lexer.js';

/**
 * Lexical path logic: `~`, `..`, relative paths, and the shell words that name paths. Symlinks are the
 * runtime's business (src/runtime/approval/real-paths.ts); here a path is judged by its spelling.
 */
const posix = path.posix;

/** Normalised absolute path without a trailing slash (except `/`). */
export function normalizeAbsolute(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

export function isInside(root: string, p: string): boolean {
  const r = normalizeAbsolute(root);
  const q = normalizeAbsolute(p);
  return q === r || q.startsWith(r === '/' ? '/' : `${r}/`);
}

/** `p` relative to `root`, or undefined when it is not inside. */
export function relativeInside(root: string, p: string): string | undefined {
  if (!isInside(root, p)) return undefined;
  return posix.relative(normalizeAbsolute(root), normalizeAbsolute(p));
}

/** Resolves a path from a tool call: `~/…` against home, relative against `base`. */
export function resolveToolPath(p: string, base: string, home: string): string {
  let text = p.startsWith('file://') ? decodeFileUrl(p) : p;
  if (text === '~' || text.startsWith('~/')) text = home + text.slice(1);
  return normalizeAbsolute(posix.resolve(base, text));
}

function decodeFileUrl(url: string): string {
  try {
    return decodeURIComponent(url.slice('file://'.length));
  } catch {
    return url.slice('file://'.length);
  }
}

export type WordPath = { paths: string[] } | { unknown: string };

/**
 * Where a shell word points, given the possible working directories (`undefined` when even that is
 * unknown). Values the shell fills in at run time make the answer `unknown`, which callers treat as
 * "could be anywhere".
 */
export function resolveWordPath(word: Word, cwds: string[] | undefined, home: string): WordPath {
  let text = word.text;
  if (word.dynamic) {
    const homeVar = /^(?:\$HOME|\$\{HOME\})(?=\/|$)/.exec(text);
    const pwdVar = /^(?:\$PWD|\$\{PWD\})(?=\/|$)/.exec(text);
    const rest = text.slice((homeVar ?? pwdVar)?.[0].length ?? 0);
    if (homeVar && !rest.includes('$')) text = home + rest;
    else if (pwdVar && !rest.includes('$') && cwds?.length === 1) text = cwds[0]! + rest;
    else return { unknown: `\`${word.text}\` is filled in at run time` };
  } else if (word.tilde) {
    if (text === '~' || text.startsWith('~/')) text = home + text.slice(1);
    else if ((text === '~+' || text.startsWith('~+/')) && cwds?.length === 1) text = cwds[0]! + text.slice(2);
    else return { unknown: `\`${word.text}\` names another user's home or a directory stack entry` };
  }
  const candidates = word.brace ? expandBraces(text) : [text];
  if (candidates.length === 0) return { unknown: `\`${word.text}\` expands to too many paths` };
  const out: string[] = [];
  for (const candidate of candidates) {
    if (word.glob && candidate.split('/').some(couldMatchDotDot)) {
      return { unknown: `\`${word.text}\` is a pattern that can match ..` };
    }
    if (posix.isAbsolute(candidate)) {
      out.push(normalizeAbsolute(candidate));
      continue;
    }
    if (cwds === undefined) return { unknown: `the working directory of \`${word.text}\` is not known` };
    for (const cwd of cwds) out.push(normalizeAbsolute(posix.resolve(cwd, candidate)));
  }
  return { paths: [...new Set(out)] };
}

/** A glob component beginning with a literal dot (`.*`, `.?`) matches `..` in many shells. */
function couldMatchDotDot(component: string): boolean {
  return component.startsWith('.') && /[*?[]/.test(component);
}

const BRACE_LIMIT = 64;

/** Comma brace expansion (`src/{a,b}.ts`); ranges are left as written. Empty when the result is huge. */
export function expandBraces(text: string): string[] {
  const results: string[] = [];
  const queue = [text];
  while (queue.length > 0) {
    const item = queue.shift()!;
    const group = findBraceGroup(item);
    if (!group) {
      results.push(item);
    } else {
      const [start, end, parts] = group;
      for (const part of parts) queue.push(item.slice(0, start) + part + item.slice(end + 1));
    }
    if (results.length + queue.length > BRACE_LIMIT) return [];
  }
  return results;
}

function findBraceGroup(text: string): [number, number, string[]] | undefined {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        if (commas.length === 0) break;
        const bounds = [start, ...commas, i];
        const parts = bounds.slice(1).map((b, k) => text.slice(bounds[k]! + 1, b));
        return [start, i, parts];
      } else if (c === ',' && depth === 1) commas.push(i);
    }
  }
  return undefined;
}
