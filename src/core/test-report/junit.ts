import { report, type TestCase, type TestReport } from './types.js';

/**
 * JUnit XML (vitest/jest/node `--reporter junit`, pytest `--junitxml`, go-junit-report, cargo2junit)
 * when it is printed: each `<testcase>`, failed when it holds `<failure>` or `<error>`, skipped when it
 * holds `<skipped>`. Read with patterns, not a parser: only these three elements and two attributes matter.
 */
export function parseJunit(text: string): TestReport | null {
  if (!/<testsuites?\b/.test(text) || !/<testcase\b/.test(text)) return null;
  const cases: TestCase[] = [];
  for (const m of text.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attrs = m[1]!;
    const body = m[2] ?? '';
    const name = attr(attrs, 'name');
    if (name === undefined) continue;
    const cls = attr(attrs, 'classname');
    const status = /<(?:failure|error)\b/.test(body) ? 'failed' : /<skipped\b/.test(body) ? 'skipped' : 'passed';
    cases.push({ name: cls ? `${cls} > ${name}` : name, status });
  }
  return cases.length > 0 ? report('junit', cases, null, true) : null;
}

function attr(attrs: string, key: string): string | undefined {
  const m = new RegExp(`\\b${key}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  if (!m) return undefined;
  return decode(m[1] ?? m[2] ?? '');
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}
