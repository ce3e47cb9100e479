/**
 * `.omk/worktree-include`: the local files (`.env`, `config/local.json`, …) copied from the main
 * checkout into a new worktree. One gitignore-like pattern per line, always relative to the repository
 * root: `*` and `?` stay inside one path segment, `**` spans segments, `[abc]` is a class, a trailing
 * `/` matches directories only, a leading `!` takes paths back out (the last matching line wins), and a
 * matched directory brings everything under it. `#` starts a comment line. Pure: the walker lives in
 * src/runtime/goal/worktree-bootstrap.ts.
 */

export const INCLUDE_FILE = '.omk/worktree-include';

/** Directory names never copied, at any depth: git's own data and omk's state. */
export const NEVER_COPIED: readonly string[] = ['.git', '.omk'];

export interface IncludePattern {
  /** 1-based line in the file. */
  line: number;
  /** The pattern as written (trimmed). */
  text: string;
  negated: boolean;
  dirOnly: boolean;
  segments: string[];
}

export interface IncludeProblem {
  line: number;
  pattern: string;
  message: string;
}

export interface ParsedInclude {
  patterns: IncludePattern[];
  problems: IncludeProblem[];
}

/** Parses the file's text. Refused lines become problems and are left out of `patterns`. */
export function parseInclude(text: string): ParsedInclude {
  const patterns: IncludePattern[] = [];
  const problems: IncludeProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.replace(/\r$/, '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const negated = trimmed.startsWith('!');
    const body = negated ? trimmed.slice(1) : trimmed;
    const problem = refusal(body);
    if (problem) {
      problems.push({ line, pattern: trimmed, message: problem });
      return;
    }
    const dirOnly = body.endsWith('/');
    // `a//b` and `./a` mean what they say on a shell; empty and `.` segments add nothing.
    const segments = body.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.length === 0) {
      problems.push({ line, pattern: trimmed, message: 'the pattern names no path' });
      return;
    }
    patterns.push({ line, text: trimmed, negated, dirOnly, segments });
  });
  return { patterns, problems };
}

/** Why a pattern is refused, or undefined. Patterns may not leave the repository or reach into .git/.omk. */
function refusal(body: string): string | undefined {
  if (body === '') return 'a lone "!" names no path';
  if (body.startsWith('/') || /^[A-Za-z]:/.test(body) || body.startsWith('~')) {
    return 'absolute paths are refused: patterns are relative to the repository root (write ".env", not "/.env")';
  }
  if (body.includes('\\')) return 'backslashes are not supported: separate directories with "/"';
  const segments = body.split('/');
  if (segments.includes('..')) return '".." would reach outside the repository; patterns must stay inside it';
  const reserved = segments.find((s) => NEVER_COPIED.includes(s));
  if (reserved !== undefined) return `${reserved} is never copied into a worktree`;
  for (const s of segments) {
    if (s.includes('**') && s !== '**') return `"**" must be a whole path segment (found "${s}")`;
    if (!balancedClasses(s)) return `unclosed "[" in "${s}"`;
  }
  return undefined;
}

function balancedClasses(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    if (segment[i] !== '[') continue;
    const end = classEnd(segment, i);
    if (end === -1) return false;
    i = end;
  }
  return true;
}

/** The `]` closing the class opened at `start` (a `]` right after `[` or `[!` is a member). */
function classEnd(glob: string, start: number): number {
  const first = glob[start + 1] === '!' ? start + 2 : start + 1;
  return glob.indexOf(']', first + 1);
}

/** `file:line: message`, the form every include problem is shown in. */
export function formatIncludeProblem(file: string, p: IncludeProblem): string {
  return `${file}:${p.line}: ${JSON.stringify(p.pattern)}: ${p.message}`;
}

/** True when a path segment is one omk never copies. */
export function isNeverCopied(relPath: string): boolean {
  return relPath.split('/').some((s) => NEVER_COPIED.includes(s));
}

/**
 * Whether `relPath` (`/`-separated, relative to the repository root) is to be copied: the last pattern
 * that matches it or one of its parent directories decides.
 */
export function isIncluded(patterns: readonly IncludePattern[], relPath: string, isDir: boolean): boolean {
  if (isNeverCopied(relPath)) return false;
  const segs = relPath.split('/');
  let included = false;
  for (const p of patterns) if (matchesSelfOrParent(p, segs, isDir)) included = !p.negated;
  return included;
}

/** Whether a walker must look inside directory `relDir`: some pattern may match it or something below it. */
export function mayIncludeUnder(patterns: readonly IncludePattern[], relDir: string): boolean {
  if (isNeverCopied(relDir)) return false;
  const segs = relDir.split('/');
  return patterns.some((p) => !p.negated && (matchesSelfOrParent(p, segs, true) || prefixMatch(p.segments, 0, segs, 0)));
}

function matchesSelfOrParent(p: IncludePattern, segs: readonly string[], isDir: boolean): boolean {
  for (let k = 1; k <= segs.length; k++) {
    if (p.dirOnly && k === segs.length && !isDir) continue;
    if (matchSegments(p.segments, 0, segs.slice(0, k), 0)) return true;
  }
  return false;
}

function matchSegments(p: readonly string[], i: number, s: readonly string[], j: number): boolean {
  if (i === p.length) return j === s.length;
  if (p[i] === '**') return matchSegments(p, i + 1, s, j) || (j < s.length && matchSegments(p, i, s, j + 1));
  return j < s.length && segmentMatches(p[i]!, s[j]!) && matchSegments(p, i + 1, s, j + 1);
}

/** True when the path runs out while the pattern still has segments: a descendant may match. */
function prefixMatch(p: readonly string[], i: number, s: readonly string[], j: number): boolean {
  if (j === s.length) return i < p.length;
  if (i === p.length) return false;
  if (p[i] === '**') return true;
  return segmentMatches(p[i]!, s[j]!) && prefixMatch(p, i + 1, s, j + 1);
}

const compiled = new Map<string, RegExp>();

function segmentMatches(glob: string, name: string): boolean {
  let re = compiled.get(glob);
  if (!re) {
    re = new RegExp(`^${globToRegex(glob)}$`, 'u');
    compiled.set(glob, re);
  }
  return re.test(name);
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const end = classEnd(glob, i);
      let body = glob.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else out += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return out;
}

/**
 * An `info/exclude` line that ignores exactly `relPath` (anchored, glob characters escaped), so a
 * copied file never shows in `git status`, a diff or a commit.
 */
export function excludeLineFor(relPath: string): string {
  const escaped = relPath.replace(/[\\*?[\]]/g, '\\$&').replace(/ $/, '\\ ');
  return `/${escaped}`;
}
