import type { DiagnoseReport } from './report.js';

/** The text form of `omk goal diagnose`: the diagnosis first, then the evidence behind it. Deterministic. */
export function renderDiagnosis(r: DiagnoseReport): string {
  const out: string[] = [];
  out.push(`goal ${r.goal_id}: ${r.status} — ${r.verdict.replace('_', ' ')} (round ${r.round}, ${r.events} events)`);
  out.push('', r.diagnosis);
  if (r.next_steps.length > 0) {
    out.push('', 'next steps:');
    for (const s of r.next_steps) out.push(`  - ${s}`);
  }
  if (r.stuck_reasons.length > 0) {
    out.push('', 'stuck reasons:');
    for (const s of r.stuck_reasons) out.push(`  [${s.kind}]${s.task_id ? ` ${s.task_id}:` : ''} ${s.text}`);
  }
  const np = r.no_progress;
  const th = np.thresholds;
  out.push('', `no-progress detection (repeated_failure ${th.repeated_failure}, empty_diffs ${th.empty_diffs}, oscillations ${th.oscillations}, no_improvement_window ${th.no_improvement_window}):`);
  for (const line of np.diagnosis.split('\n')) out.push(`  ${line}`);
  for (const t of r.tasks) {
    out.push('', `task ${t.id} (${t.result}${t.max_retries === null ? '' : `, max_retries ${t.max_retries}`})${t.title ? ` — ${t.title}` : ''}`);
    for (const a of t.attempts) {
      const notes = [
        a.empty_diff ? 'empty diff' : `${a.changed_files.length} file(s)`,
        a.tree_sha ? `tree ${a.tree_sha.slice(0, 12)}` : 'no tree',
        a.same_tree_as !== null ? `same tree as #${a.same_tree_as}` : '',
        a.reverted_to !== null ? `reverted to ${a.reverted_to === 'base' ? 'base' : `#${a.reverted_to}`}` : '',
      ].filter(Boolean);
      out.push(`  #${a.attempt} (round ${a.round}) ${a.outcome}: ${notes.join(', ')}`);
      for (const g of a.gates) out.push(`      gate ${g.gate}: ${g.passed ? 'PASS' : `FAIL ${g.signature ?? '(no record)'}${g.excerpt ? ` — ${g.excerpt}` : ''}`}`);
    }
    for (const s of t.repeated_signatures) out.push(`  repeated: ${s.signature} in attempts ${s.attempts.join(', ')}${s.on_baseline ? ' (also on baseline)' : ''}`);
  }
  if (r.gates.length > 0) {
    out.push('', 'gate history (baseline | task | integration):');
    for (const g of r.gates) {
      const cell = (runs: typeof g.baseline) => (runs.length === 0 ? '-' : runs.map((x) => (x.passed ? 'pass' : `FAIL ${x.signature ?? ''}`.trim())).join(', '));
      out.push(`  ${g.gate}: ${cell(g.baseline)} | ${cell(g.task)} | ${cell(g.integration)}`);
    }
  }
  out.push('');
  return out.join('\n');
}
