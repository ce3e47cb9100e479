import { parseGo, parseGoJson, parseCargo } from './go-cargo.js';
import { parseJest, parseVitest } from './js-runners.js';
import { parseJunit } from './junit.js';
import { parseNodeSpec } from './node-spec.js';
import { parsePytest, parseUnittest } from './python.js';
import { parseTap } from './tap.js';
import { stripAnsi, type TestReport } from './types.js';

/**
 * What a test run's output says about its tests, or null when no known format is recognised.
 * stdout and stderr are read together (unittest reports on stderr). Formats are tried from the
 * most to the least specific, and the first that recognises the output wins. Pure; never throws.
 */
export function parseTestOutput(stdout: string, stderr = ''): TestReport | null {
  const text = stripAnsi(`${stdout}${stdout.endsWith('\n') || stdout === '' ? '' : '\n'}${stderr}`);
  const junit = parseJunit(text);
  if (junit) return junit;
  const lines = text.split('\n');
  for (const parse of [parseGoJson, parseTap, parseNodeSpec, parseVitest, parseJest, parsePytest, parseUnittest, parseCargo, parseGo]) {
    const r = parse(lines);
    if (r) return r;
  }
  return null;
}
