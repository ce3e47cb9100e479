import type { ProofDocument } from './proof-schema.js';

type Tests = NonNullable<ProofDocument['tests']>;
type Acceptance = NonNullable<ProofDocument['acceptance']>;
type Run = Tests['comparisons'][number]['head'];

const POLICY: Record<Tests['policy'], string> = {
  required: 'required for this goal type: without a pair the goal is not ready',
  informational: 'shown for this goal type; a missing pair does not block readiness',
  not_applicable: 'not asked of this goal type',
};

/** proof.md's "Test evidence" section (proof version 2): red→green pairs, counts before/after, tamper findings with their hunks. */
export function testEvidenceMarkdown(tests: Tests, goalType: string, md: MarkdownKit): string[] {
  const out: string[] = ['## Test evidence', ''];
  const rg = tests.red_green;
  const label = rg.status === 'proven' ? `**proven** (${rg.pairs_total} ${rg.pairs_total === 1 ? 'pair' : 'pairs'})` : rg.status === 'not_proven' ? '**not proven**' : '**no evidence**';
  out.push(`Red→green: ${label} — ${POLICY[tests.policy]} (\`${goalType || 'unknown'}\`).${rg.gap ? ` ${rg.gap}.` : ''}`, '');
  out.push(`Test gates: ${md.list(tests.gates)}. Test files the change added, modified or deleted: ${md.list(tests.changed_test_files)}.`, '');
  if (rg.pairs.length > 0) {
    out.push(
      ...md.table(
        ['gate', 'test', 'fails before (run)', 'passes on head (run)', "the change's tests"],
        rg.pairs.map((p) => [p.gate, p.test ?? '(the whole run: the report names no test)', p.before_run, p.after_run, p.from_changed_tests ? 'yes' : 'no (already on the base)']),
      ),
      '',
    );
    if (rg.pairs_total > rg.pairs.length) out.push(`(${rg.pairs_total - rg.pairs.length} more pairs not listed.)`, '');
  }
  if (tests.comparisons.length > 0) {
    out.push('Test counts (total / passed / failed / skipped, from the runner\'s own report):', '');
    out.push(...md.table(['gate', 'base', "base + the change's tests", 'head'], tests.comparisons.map((c) => [c.gate, run(c.base), run(c.base_with_change_tests), run(c.head)])), '');
  }
  if (tests.tamper.length === 0) out.push('Test tampering: none found.', '');
  else {
    out.push(`Test tampering: ${tests.tamper.length} ${tests.tamper.length === 1 ? 'finding' : 'findings'}.`, '');
    for (const f of tests.tamper) {
      out.push(`- **${f.severity}** \`${f.rule}\`: ${md.oneLine(f.message)}${f.allowed_by ? ` — allowed: the request says "${md.oneLine(f.allowed_by)}"` : ''}`);
      if (f.hunk) out.push('', ...fenced(f.hunk), '');
    }
    if (out.at(-1) !== '') out.push('');
  }
  return out;
}

/** proof.md's "Acceptance criteria" section (proof version 2). */
export function acceptanceMarkdown(entries: Acceptance, md: MarkdownKit): string[] {
  const out: string[] = ['## Acceptance criteria', ''];
  if (entries.length === 0) return [...out, 'None recorded.', ''];
  out.push(
    ...md.table(
      ['id', 'criterion', 'status', 'checked by', 'evidence'],
      entries.map((a) => [a.id, `${a.criterion}${a.required ? '' : ' (optional)'}`, a.status, a.checked_by, a.evidence.join('; ')]),
    ),
    '',
  );
  return out;
}

export interface MarkdownKit {
  table(header: readonly string[], rows: readonly (readonly string[])[]): string[];
  list(items: readonly string[]): string;
  oneLine(text: string): string;
}

function run(r: Run): string {
  if (r === null) return '—';
  const c = r.counts ? `${r.counts.total} / ${r.counts.passed} / ${r.counts.failed} / ${r.counts.skipped}` : 'counts unknown';
  return `${c} (${r.format ?? 'report not recognised'}; ${r.passed ? 'passed' : 'failed'}, run ${r.run_id})`;
}

/** A ```diff block whose fence is longer than any backtick run inside the hunk. */
function fenced(hunk: string): string[] {
  const longest = Math.max(2, ...[...hunk.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}diff`, ...hunk.replace(/\n$/, '').split('\n'), fence];
}
