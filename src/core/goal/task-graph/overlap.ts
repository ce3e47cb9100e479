import picomatch from 'picomatch';
import { coversDescendants, normalizeGlob } from './globs.js';

/**
 * Whether two globs may match a common path — decided conservatively: `false` only when no path can
 * match both; when unsure, `true`. The approximation (docs/task-graph.md, "Overlap"):
 *   1. braces are expanded (`src/{a,b}/**` → two globs; more than 64 alternatives → `**`);
 *      extglobs that span a `/` make the glob `**`;
 *   2. globs are compared segment by segment; `**` matches any number of segments (zero included);
 *   3. a literal segment against a pattern segment is decided exactly by picomatch;
 *   4. two pattern segments overlap unless their literal prefixes (before the first wildcard) or
 *      their literal suffixes (after the last) contradict each other (`*.ts` vs `*.md`, `a*` vs `b*`);
 *   5. a glob with no wildcard covers itself and everything under it (a file or a directory), unless
 *      its last component has an extension (`src/a.ts`: a file).
 * Dot-files count as matched (`dot: true`).
 */
export function globsMayOverlap(a: string, b: string): boolean {
  const as = expand(normalizeGlob(a));
  const bs = expand(normalizeGlob(b));
  return as.some((x) => bs.some((y) => segmentsOverlap(segments(x), segments(y))));
}

/** Pairs `[a, b]` from two write sets that may overlap, in input order. */
export function overlappingGlobs(a: readonly string[], b: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const x of a) for (const y of b) if (globsMayOverlap(x, y)) out.push([x, y]);
  return out;
}

export function writeSetsOverlap(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.some((y) => globsMayOverlap(x, y)));
}

const MAX_ALTERNATIVES = 64;
const SPECIAL = /[*?[\]{}()!+@|]/;

type Segment = { kind: 'globstar' } | { kind: 'literal'; text: string } | { kind: 'pattern'; text: string; prefix: string; suffix: string };

function expand(glob: string): string[] {
  if (extglobSpansSlash(glob)) return ['**'];
  let todo = [glob];
  const done: string[] = [];
  while (todo.length > 0) {
    const next: string[] = [];
    for (const g of todo) {
      const group = firstBraceGroup(g);
      if (group === undefined) {
        done.push(g);
        continue;
      }
      const [start, end, alternatives] = group;
      const head = g.slice(0, start);
      const tail = g.slice(end + 1);
      if (alternatives === undefined) {
        // `{a}` or a range like `{1..9}`: a wildcard, unless it hides a `/`.
        const inner = g.slice(start + 1, end);
        if (inner.includes('/')) return ['**'];
        next.push(`${head}*${tail}`);
      } else {
        for (const alt of alternatives) next.push(head + alt + tail);
      }
    }
    if (done.length + next.length > MAX_ALTERNATIVES) return ['**'];
    todo = next;
  }
  return done;
}

/** The first top-level `{…}`: its bounds and, when it has top-level commas, its alternatives. */
function firstBraceGroup(glob: string): [number, number, string[] | undefined] | undefined {
  const start = glob.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let last = start + 1;
  const alternatives: string[] = [];
  for (let i = start; i < glob.length; i += 1) {
    const ch = glob[i];
    if (ch === '{') depth += 1;
    else if (ch === '}') {
      depth -= 1;
      if (depth === 0) {
        if (alternatives.length === 0) return [start, i, undefined];
        alternatives.push(glob.slice(last, i));
        return [start, i, alternatives];
      }
    } else if (ch === ',' && depth === 1) {
      alternatives.push(glob.slice(last, i));
      last = i + 1;
    }
  }
  return undefined; // unbalanced: left as is (the validator reports it)
}

function extglobSpansSlash(glob: string): boolean {
  let depth = 0;
  for (const ch of glob) {
    if (ch === '(') depth += 1;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === '/' && depth > 0) return true;
  }
  return false;
}

function segments(glob: string): Segment[] {
  const segs: Segment[] = glob.split('/').map((text) => {
    if (text === '**') return { kind: 'globstar' };
    if (!SPECIAL.test(text)) return { kind: 'literal', text };
    const first = text.search(SPECIAL);
    let lastSpecial = -1;
    for (let i = text.length - 1; i >= 0; i -= 1) {
      if (SPECIAL.test(text[i]!)) {
        lastSpecial = i;
        break;
      }
    }
    return { kind: 'pattern', text, prefix: text.slice(0, first), suffix: text.slice(lastSpecial + 1) };
  });
  if (coversDescendants(glob)) segs.push({ kind: 'globstar' });
  return segs;
}

function segmentOverlap(a: Segment, b: Segment): boolean {
  if (a.kind === 'globstar' || b.kind === 'globstar') return true;
  if (a.kind === 'literal' && b.kind === 'literal') return a.text === b.text;
  if (a.kind === 'literal') return picomatch.isMatch(a.text, b.text, { dot: true });
  if (b.kind === 'literal') return picomatch.isMatch(b.text, a.text, { dot: true });
  const prefixesAgree = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
  const suffixesAgree = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
  return prefixesAgree && suffixesAgree;
}

function segmentsOverlap(a: Segment[], b: Segment[]): boolean {
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    const x = a[i];
    const y = b[j];
    if (x === undefined && y === undefined) result = true;
    else if (x?.kind === 'globstar') result = go(i + 1, j) || (y !== undefined && go(i, j + 1));
    else if (y?.kind === 'globstar') result = go(i, j + 1) || (x !== undefined && go(i + 1, j));
    else if (x === undefined || y === undefined) result = false;
    else result = segmentOverlap(x, y) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}
