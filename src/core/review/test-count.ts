import { finding, type CheckResult, type Finding } from './finding.js';

/** One test gate's counts from its runner's report, on the base and on head (test-evidence.ts). */
export interface TestCountComparison {
  gate: string;
  base: { total: number; skipped: number } | null;
  head: { total: number; skipped: number } | null;
}

/**
 * A falling test count: fewer tests on head than on the base, or fewer that ran (more skipped). Only
 * where both runs' reports gave counts; the evidence line says which gates could not be compared.
 */
export function checkTestCount(comparisons: readonly TestCountComparison[]): CheckResult {
  const findings: Finding[] = [];
  const compared: string[] = [];
  const unknown: string[] = [];
  for (const c of comparisons) {
    if (!c.base || !c.head) {
      unknown.push(c.gate);
      continue;
    }
    compared.push(`\`${c.gate}\` ${c.base.total} → ${c.head.total}`);
    const ranBase = c.base.total - c.base.skipped;
    const ranHead = c.head.total - c.head.skipped;
    if (c.head.total < c.base.total) {
      findings.push(finding('test_count', 'fail', 'test_count_fell', null, null, `gate \`${c.gate}\` counted ${c.base.total} tests on the base and ${c.head.total} on head`));
    } else if (ranHead < ranBase) {
      findings.push(finding('test_count', 'fail', 'tests_run_fell', null, null, `gate \`${c.gate}\` ran ${ranBase} tests on the base and ${ranHead} on head (${c.head.skipped - c.base.skipped} more skipped)`));
    }
  }
  const parts = [compared.length > 0 ? compared.join(', ') : 'no gate with counts on both sides', ...(unknown.length > 0 ? [`not compared: ${unknown.map((g) => `\`${g}\``).join(', ')}`] : [])];
  return { check: 'test_count', findings, evidence: `test counts (base → head): ${parts.join('; ')}` };
}
