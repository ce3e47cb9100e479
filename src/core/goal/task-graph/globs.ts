import picomatch from 'picomatch';

/**
 * Read and write sets are globs relative to the repository root (picomatch syntax, `dot: true`).
 * A glob without wildcard characters names a file or a directory: it covers that path and everything
 * under it — unless its last component has an extension (`src/a.ts`), which names a file only. A trailing `/` means the directory: `src/` is `src/**`. `.git` and `.omk` are never
 * writable, whatever the write set says (docs/task-graph.md, "Globs").
 */
export const PROTECTED_DIRS = ['.git', '.omk'] as const;
export const MAX_GLOB_LENGTH = 512;
const GLOB_CHARS = /[*?[\]{}()!+@|]/;

export type GlobFault = { code: 'invalid_glob' | 'path_escapes_repo'; message: string };

/** Structural checks on one glob: well-formed, relative, inside the repository. */
export function globFault(glob: string): GlobFault | undefined {
  const bad = (message: string): GlobFault => ({ code: 'invalid_glob', message });
  const escapes = (message: string): GlobFault => ({ code: 'path_escapes_repo', message });
  if (glob.trim() === '') return bad('empty glob');
  if (glob !== glob.trim()) return bad(`${JSON.stringify(glob)} has leading or trailing whitespace`);
  if (glob.length > MAX_GLOB_LENGTH) return bad(`glob longer than ${MAX_GLOB_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\u0000-\u001F\u007F]/.test(glob)) return bad(`${JSON.stringify(glob)} contains a control character`);
  if (glob.includes('\\')) return bad(`${JSON.stringify(glob)} contains a backslash; use forward slashes`);
  if (glob.startsWith('/') || /^[A-Za-z]:/.test(glob)) return escapes(`${JSON.stringify(glob)} is absolute; use a path relative to the repository root`);
  if (glob.startsWith('~')) return escapes(`${JSON.stringify(glob)} points into a home directory; use a path relative to the repository root`);
  if (glob.split('/').includes('..')) return escapes(`${JSON.stringify(glob)} uses ".." and could leave the repository`);
  if (glob.startsWith('!')) return bad(`${JSON.stringify(glob)} is a negation; list what the task may touch (.git and .omk are always excluded)`);
  const unbalanced = unbalancedBracket(glob);
  if (unbalanced !== undefined) return bad(`${JSON.stringify(glob)} has an unbalanced "${unbalanced}"`);
  return undefined;
}

function unbalancedBracket(glob: string): string | undefined {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ']': '[', '}': '{', ')': '(' };
  let inClass = false;
  for (const ch of glob) {
    if (inClass) {
      if (ch === ']') {
        inClass = false;
        stack.pop();
      }
      continue;
    }
    if (ch === '[') {
      inClass = true;
      stack.push(ch);
    } else if (ch === '{' || ch === '(') {
      stack.push(ch);
    } else if (ch === '}' || ch === ')' || ch === ']') {
      if (stack.pop() !== pairs[ch]) return ch;
    }
  }
  return stack.length > 0 ? stack[stack.length - 1] : undefined;
}

/** `./src//a/` → `src/a/**`; `.` segments dropped; a trailing slash means the directory's contents. */
export function normalizeGlob(glob: string): string {
  const dirOnly = glob.endsWith('/');
  const parts = glob.split('/').filter((p) => p !== '' && p !== '.');
  if (dirOnly) parts.push('**');
  return parts.length === 0 ? '**' : parts.join('/');
}

export function isLiteralGlob(glob: string): boolean {
  return !GLOB_CHARS.test(glob);
}

/** A literal glob that may name a directory, so it covers everything under it too (see above). */
export function coversDescendants(glob: string): boolean {
  if (!isLiteralGlob(glob)) return false;
  const last = glob.slice(glob.lastIndexOf('/') + 1);
  return !/^[^.].*\.[A-Za-z0-9]+$/.test(last);
}

export type ProtectedMode = 'protected-dirs' | 'any-git';

/**
 * Whether a glob explicitly targets a protected place. `protected-dirs`: a component `.git` or `.omk`,
 * or a dot-pattern component that matches one (`.g*`, `.*`). `any-git` (proposals): also any component
 * starting with `.git` (`.github`, `.gitignore`, `.gitmodules`). `**` alone is not flagged: protected
 * paths are removed from every write scope anyway.
 */
export function targetsProtected(glob: string, mode: ProtectedMode): boolean {
  return normalizeGlob(glob)
    .split('/')
    .some((seg) => {
      if (!seg.startsWith('.')) return false;
      if (mode === 'any-git' && seg.startsWith('.git')) return true;
      if (isLiteralGlob(seg)) return (PROTECTED_DIRS as readonly string[]).includes(seg);
      return PROTECTED_DIRS.some((dir) => picomatch.isMatch(dir, seg, { dot: true }));
    });
}

/** Whether a repository-relative path lies in a protected directory (at any depth). */
export function isProtectedPath(path: string): boolean {
  return normalizeGlob(path)
    .split('/')
    .some((seg) => (PROTECTED_DIRS as readonly string[]).includes(seg));
}

const matcherCache = new Map<string, (path: string) => boolean>();

/** Whether `path` (repository-relative, `/`-separated) is covered by `glob`, under the rules above. */
export function globMatches(glob: string, path: string): boolean {
  const g = normalizeGlob(glob);
  const p = normalizeGlob(path);
  if (isLiteralGlob(g)) return p === g || (coversDescendants(g) && p.startsWith(`${g}/`));
  let m = matcherCache.get(g);
  if (m === undefined) {
    m = picomatch(g, { dot: true });
    if (matcherCache.size > 1000) matcherCache.clear();
    matcherCache.set(g, m);
  }
  return m(p);
}

/** The write-scope check the runtime applies to a task's diff: covered by some glob, never protected. */
export function inWriteScope(path: string, writeSet: readonly string[]): boolean {
  return !isProtectedPath(path) && writeSet.some((g) => globMatches(g, path));
}
