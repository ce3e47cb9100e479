import { REVIEW_SECTIONS } from './evidence.js';
import type { ProofDocument } from './proof-schema.js';
import { acceptanceMarkdown, testEvidenceMarkdown } from './render-tests-md.js';
import { short } from './verdict.js';

/**
 * proof.md: the same proof for people. Deterministic (same proof → same bytes); the
 * verdict comes first, then what is missing, then the evidence behind it. A version 1 proof
 * renders exactly as it did (the test and acceptance sections are version 2's).
 */
export function renderProofMarkdown(proof: ProofDocument): string {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);

  push(`# Proof: goal ${proof.goal_id}`, '');
  push(`**Status: \`${proof.status}\`** — ${proof.readiness}`, '');
  const head = proof.head ? `\`${short(proof.head.sha)}\` (tree \`${short(proof.head.tree)}\`)` : 'none recorded';
  push(`Generated ${proof.generated_at} · base \`${proof.base.ref}\` \`${short(proof.base.sha)}\` · head ${head}`, '');
  if (proof.summary) push(proof.summary, '');

  push('## Known gaps', '');
  push(...bullets(proof.known_gaps, 'None.'), '');
  push('## Human decisions required', '');
  push(...bullets(proof.human_decisions_required, 'None.'), '');

  push('## Oracle', '');
  push(`Goal type \`${proof.oracle.kind || 'unknown'}\`; gates that decide done: ${list(proof.oracle.gates)}.`, '');

  push('## Gates', '');
  if (proof.gates.length === 0) push('No gate has run.', '');
  else {
    push(
      ...table(
        ['run', 'gate', 'scope', 'task', 'tree', 'exit', 'duration', 'result', 'required'],
        proof.gates.map((g) => [
          g.run_id,
          g.name,
          g.scope,
          g.task_id ?? '',
          short(g.tree_sha),
          g.exit_code === null ? '—' : String(g.exit_code),
          `${g.duration_ms} ms`,
          `${g.infra_error !== null ? `infra error: ${g.infra_error}` : g.timed_out ? 'timed out' : g.passed ? 'passed' : 'failed'}${g.reused_from ? ` (reused from ${g.reused_from})` : ''}`,
          g.required ? 'yes' : 'no',
        ]),
      ),
      '',
    );
  }

  push('## Tasks', '');
  const s = proof.task_graph_summary;
  const counts = Object.entries(s.by_status)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  push(`${s.total} tasks (${s.required} required)${counts.length ? `: ${counts.join(', ')}` : ''}.`, '');
  if (proof.tasks.length > 0) {
    push(
      ...table(
        ['task', 'title', 'status', 'required', 'attempts', 'commit', 'files', 'gate runs'],
        proof.tasks.map((t) => [
          t.id,
          t.title,
          t.status,
          t.required ? 'yes' : 'no',
          String(t.attempts),
          t.commit ? short(t.commit) : '—',
          String(t.changed_files.length),
          t.gates.join(', '),
        ]),
      ),
      '',
    );
  }

  if (proof.tests) push(...testEvidenceMarkdown(proof.tests, proof.oracle.kind, { table, list, oneLine }));
  if (proof.acceptance) push(...acceptanceMarkdown(proof.acceptance, { table, list, oneLine }));

  push('## Reviews', '');
  for (const name of REVIEW_SECTIONS) {
    const r = proof.reviews[name];
    const reviewed = r.reviewed_sha ? `, reviewed \`${short(r.reviewed_sha)}\`` : '';
    push(`### ${name}: ${r.status} (${r.required ? 'required' : 'optional'}${reviewed})`, '');
    for (const [label, items] of [['Evidence', r.evidence], ['Risks', r.risks], ['Gaps', r.gaps]] as const) {
      if (items.length === 0) continue;
      push(`${label}:`, '', ...bullets(items, ''), '');
    }
  }

  push('## Budget', '');
  const b = proof.budget;
  const lim = (v: number | null) => (v === null ? 'no limit' : String(v));
  push(
    ...table(
      ['', 'limit', 'used', 'reserved', 'exceeded'],
      [
        ['time (ms)', lim(b.limits.time_ms), String(b.used.time_ms), String(b.reserved.time_ms), b.exceeded.time ? 'yes' : 'no'],
        ['tokens', lim(b.limits.tokens), String(b.used.tokens), String(b.reserved.tokens), b.exceeded.tokens ? 'yes' : 'no'],
        ['usd', lim(b.limits.usd), String(b.used.usd), String(b.reserved.usd), b.exceeded.usd ? 'yes' : 'no'],
      ],
    ),
    '',
  );
  if (b.per_task && b.per_task.length > 0) {
    push('Per task:', '');
    push(
      ...table(
        ['task', 'tokens used', 'tokens limit', 'usd used', 'usd limit', 'exceeded'],
        b.per_task.map((t) => [
          t.task_id,
          String(t.used.tokens),
          lim(t.limits.tokens),
          String(t.used.usd),
          lim(t.limits.usd),
          [t.exceeded.tokens ? 'tokens' : '', t.exceeded.usd ? 'usd' : ''].filter(Boolean).join(', ') || 'no',
        ]),
      ),
      '',
    );
  }

  push('## Changes', '');
  push(`${proof.commits.length} commits, ${proof.changed_files.length} files changed.`, '');
  if (proof.changed_files.length > 0) push(...bullets(proof.changed_files.map((f) => `\`${f}\``), ''), '');

  push('## Artifacts', '');
  if (proof.artifacts.length === 0) push('None.', '');
  else push(...table(['path', 'sha256'], proof.artifacts.map((a) => [a.path, a.sha256])), '');

  push('## Events', '');
  push(`${proof.events.count} events; chain head \`${proof.events.head ?? 'none'}\`.`, '');
  push('Re-check with `omk goal proof --verify`.');
  return `${out.join('\n')}\n`;
}

function bullets(items: readonly string[], empty: string): string[] {
  if (items.length === 0) return empty ? [empty] : [];
  return items.map((i) => `- ${oneLine(i)}`);
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.map((i) => `\`${i}\``).join(', ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const row = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(row)];
}

function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}
