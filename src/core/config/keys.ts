/**
 * Dotted keys (`engines.kimi.model`) and walking config trees by them. Segments that are not bare
 * TOML keys are written quoted, as TOML does: `engines."my.engine".model`.
 */
import type { ConfigTree } from './types.js';

const BARE = /^[A-Za-z0-9_-]+$/;

export function isTable(value: unknown): value is ConfigTree {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

export function formatKey(path: readonly string[]): string {
  return path.map((s) => (BARE.test(s) ? s : JSON.stringify(s))).join('.');
}

/** Splits a dotted key; undefined when it is malformed (empty segment, unclosed quote). */
export function parseKey(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const s = text.trim();
  if (s === '') return undefined;
  while (i < s.length) {
    let segment: string;
    if (s[i] === '"' || s[i] === "'") {
      const quote = s[i];
      let j = i + 1;
      let raw = '';
      while (j < s.length && s[j] !== quote) {
        if (quote === '"' && s[j] === '\\' && j + 1 < s.length) {
          raw += s[j + 1];
          j += 2;
        } else {
          raw += s[j];
          j += 1;
        }
      }
      if (j >= s.length) return undefined;
      segment = raw;
      i = j + 1;
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (!match) return undefined;
      segment = match[0];
      i += segment.length;
    }
    out.push(segment);
    while (s[i] === ' ' || s[i] === '\t') i += 1;
    if (i < s.length) {
      if (s[i] !== '.') return undefined;
      i += 1;
      while (s[i] === ' ' || s[i] === '\t') i += 1;
      if (i >= s.length) return undefined;
    }
  }
  return out;
}

export function getAt(tree: unknown, path: readonly string[]): unknown {
  let node: unknown = tree;
  for (const segment of path) {
    if (!isTable(node) || !Object.hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

export function hasAt(tree: unknown, path: readonly string[]): boolean {
  let node: unknown = tree;
  for (const segment of path) {
    if (!isTable(node) || !Object.hasOwn(node, segment)) return false;
    node = node[segment];
  }
  return true;
}

/** Sets a value, creating tables on the way (replacing any non-table in the way). Mutates `tree`. */
export function setAt(tree: ConfigTree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (isTable(next)) {
      node = next;
    } else {
      const created: ConfigTree = {};
      node[segment] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/** Every leaf (non-table value, arrays included) with its path, depth first in key order. */
export function leaves(tree: unknown, prefix: readonly string[] = []): Array<[string[], unknown]> {
  if (!isTable(tree)) return prefix.length === 0 ? [] : [[[...prefix], tree]];
  const out: Array<[string[], unknown]> = [];
  for (const [key, value] of Object.entries(tree)) {
    if (isTable(value)) out.push(...leaves(value, [...prefix, key]));
    else out.push([[...prefix, key], value]);
  }
  return out;
}
