import { report, type TestCase, type TestCounts, type TestReport } from './types.js';

interface Point {
  indent: number;
  name: string;
  ok: boolean;
  directive: 'skip' | 'todo' | null;
  suite: boolean;
  children: Point[];
}

const POINT = /^(\s*)(not ok|ok)\b(?:\s+\d+)?(?:\s*-)?\s*(.*?)\s*$/;
const DIRECTIVE = /\s+#\s*(SKIP|TODO)\b.*$/i;

/**
 * TAP (node --test's default off a terminal, tape, tap): test points with nesting by indentation
 * (a point whose deeper-indented points precede it is a suite), YAML blocks skipped, and the
 * `# tests / # pass / # fail / # skipped / # todo / # cancelled` summary when the producer prints one.
 */
export function parseTap(lines: readonly string[]): TestReport | null {
  if (!lines.some((l) => /^\s*(?:not ok|ok)\b/.test(l)) || !lines.some((l) => /^TAP version \d+/.test(l) || /^\s*1\.\.\d+/.test(l))) return null;
  const pending: Point[] = [];
  const summary: Record<string, number> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = POINT.exec(line);
    if (m) {
      const indent = m[1]!.length;
      let name = m[3]!;
      const d = DIRECTIVE.exec(name);
      if (d) name = name.slice(0, d.index);
      const point: Point = { indent, name: name.replace(/\\#/g, '#'), ok: m[2] === 'ok', directive: d ? (d[1]!.toLowerCase() as 'skip' | 'todo') : null, suite: false, children: [] };
      // The YAML diagnostics right after a point: skipped whole (an error message may say "ok").
      if (lines[i + 1]?.trim() === '---') {
        let j = i + 2;
        for (; j < lines.length && lines[j]!.trim() !== '...'; j++) if (/^\s*type:\s*'?suite'?\s*$/.test(lines[j]!)) point.suite = true;
        i = j;
      }
      while (pending.length > 0 && pending.at(-1)!.indent > indent) point.children.unshift(pending.pop()!);
      pending.push(point);
      continue;
    }
    const s = /^#\s+(tests|pass|fail|skipped|skip|todo|cancelled)\s+(\d+)\s*$/.exec(line);
    if (s) summary[s[1] === 'skip' ? 'skipped' : s[1]!] = Number(s[2]);
  }
  const cases: TestCase[] = [];
  const walk = (p: Point, prefix: string) => {
    const name = prefix ? `${prefix} > ${p.name}` : p.name;
    if (p.children.length > 0) {
      for (const c of p.children) walk(c, name);
      return;
    }
    if (p.suite) return;
    cases.push({ name, status: p.directive !== null ? 'skipped' : p.ok ? 'passed' : 'failed' });
  };
  for (const p of pending) walk(p, '');
  let counts: TestCounts | null = null;
  if (summary.tests !== undefined) {
    const failed = (summary.fail ?? 0) + (summary.cancelled ?? 0);
    // tape prints no skip count: what is neither a pass nor a failure was skipped.
    const skipped = summary.skipped === undefined && summary.todo === undefined && summary.pass !== undefined
      ? Math.max(0, summary.tests - summary.pass - failed)
      : (summary.skipped ?? 0) + (summary.todo ?? 0);
    counts = { total: summary.tests, passed: summary.pass ?? Math.max(0, summary.tests - failed - skipped), failed, skipped };
  }
  return report('tap', cases, counts, true);
}
