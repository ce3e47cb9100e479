import { redactSecrets } from '../redact.js';
import { REVIEW_SECTIONS } from '../proof/evidence.js';
import type { ProofDocument } from '../proof/proof-schema.js';
import { short } from '../proof/verdict.js';
import { cell, clip, code, oneLine, table, text } from './markdown.js';
import { prMarker } from './marker.js';

/** GitHub refuses a pull request body longer than this many characters. */
export const PR_BODY_MAX_CHARS = 65_536;
/** Titles are cut (at a word when one is near) to this many characters. GitHub allows 256. */
export const PR_TITLE_MAX_CHARS = 72;
/** Rows per table and items per list before the rest is summarised as "… and N more". */
export const PR_LIST_CAP = 100;

export interface RenderPullRequestOptions {
  /** The goal as the user stated it; the title is its first line. */
  goalPrompt: string;
  /** The branch the PR is opened from (the integration branch). */
  branch: string;
  /** The branch it targets. */
  base: string;
  /** Spend so far in USD, when the caller knows it (the proof's budget only has the ledger totals). */
  costUsd?: number;
  /** Whether the PR is (to be) a draft; said in the body so a reader knows why. */
  draft: boolean;
  /**
   * Body cap; only tests lower it.
   * @default PR_BODY_MAX_CHARS
   */
  maxBodyChars?: number;
}

export interface RenderedPullRequest {
  title: string;
  body: string;
  /** True when the body was cut to fit `maxBodyChars` (the body says so too). */
  truncated: boolean;
}

/**
 * The pull request omk opens for a goal: a title from the goal and a body built from the proof only,
 * in a fixed section order — verdict, summary, gates, tasks, review wall, known gaps, human
 * decisions, budget, changed files, how to verify — ending with the hidden marker line. Pure and
 * deterministic (same proof and options → same bytes); secrets are redacted; the body fits GitHub's
 * limit, with a note when it had to be cut.
 */
export function renderPullRequest(proof: ProofDocument, options: RenderPullRequestOptions): RenderedPullRequest {
  const title = renderTitle(options.goalPrompt, proof.goal_id);
  const content = redactSecrets(renderSections(proof, options).join('\n'));
  const marker = prMarker(proof.goal_id);
  const max = options.maxBodyChars ?? PR_BODY_MAX_CHARS;
  const whole = `${content}\n\n${marker}\n`;
  if (whole.length <= max) return { title, body: whole, truncated: false };

  // Budget for the kept head: the note is sized for the largest number it can print.
  const noteFor = (shown: number) =>
    `> **Truncated:** this description shows ${shown} of ${content.length} characters to fit GitHub's ` +
    `limit of ${max}. The whole proof is \`.omk/goals/${oneLine(proof.goal_id)}/proof.md\`; re-check it with ` +
    `\`omk goal proof ${oneLine(proof.goal_id)} --verify\`.`;
  const budget = max - noteFor(content.length).length - marker.length - 6;
  if (budget <= 0) throw new Error(`renderPullRequest: maxBodyChars ${max} leaves no room for the body`);
  const cut = content.lastIndexOf('\n', budget);
  const head = content.slice(0, cut > 0 ? cut : budget).trimEnd();
  return { title, body: `${head}\n\n${noteFor(head.length)}\n\n${marker}\n`, truncated: true };
}

/** The goal's first non-empty line, whitespace collapsed, cut at a word near the limit. */
export function renderTitle(goalPrompt: string, goalId: string): string {
  const first = goalPrompt.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const line = redactSecrets(first.replace(/\s+/g, ' ').trim());
  if (line === '') return `omk goal ${oneLine(goalId)}`;
  if (line.length <= PR_TITLE_MAX_CHARS) return line;
  const room = clip(line, PR_TITLE_MAX_CHARS).slice(0, -1); // surrogate-safe, without its '…'
  const space = line[room.length] === ' ' ? room.length : room.lastIndexOf(' ');
  const cut = space >= PR_TITLE_MAX_CHARS - 24 ? room.slice(0, space) : room;
  return `${cut.trimEnd()}…`;
}

function renderSections(proof: ProofDocument, o: RenderPullRequestOptions): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  const id = proof.goal_id;

  // 1. Verdict first: what a reviewer needs before anything else.
  push(`**Verdict: \`${proof.status}\`** — ${text(proof.readiness, 2000)}`, '');
  const head = proof.head ? `${code(short(proof.head.sha))} (tree ${code(short(proof.head.tree))})` : 'none recorded';
  push(
    `Goal ${code(id)} · ${code(o.branch)} → ${code(o.base)} · head ${head} · base ${code(proof.base.ref)} ${code(short(proof.base.sha))}` +
      (o.draft ? ' · opened as a draft' : ''),
    '',
  );

  push('## Summary', '');
  const prompt = o.goalPrompt.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (prompt.length > 0) push(...quote(prompt), '');
  if (proof.summary) push(text(proof.summary, 2000), '');
  push(`Proof generated ${text(proof.generated_at, 40)} from ${proof.events.count} recorded events.`, '');

  push('## Gates', '');
  if (proof.gates.length === 0) push('No gate has run.', '');
  else {
    const oracle = new Set(proof.oracle.gates);
    push(
      ...table(
        ['gate', 'scope', 'result', 'exit', 'duration', 'tree'],
        capped(proof.gates).map((g) => [
          code(g.name, { inTable: true }) + (oracle.has(g.name) ? ' (oracle)' : ''),
          g.scope === 'task' && g.task_id !== null ? `task ${code(g.task_id, { inTable: true })}` : g.scope,
          gateResult(g),
          g.exit_code === null ? '—' : String(g.exit_code),
          duration(g.duration_ms),
          code(short(g.tree_sha), { inTable: true }),
        ]),
      ),
      ...tableMore(proof.gates.length, 'gate runs'),
      '',
    );
  }

  push('## Tasks', '');
  const s = proof.task_graph_summary;
  const counts = Object.entries(s.by_status).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  push(`${s.total} tasks (${s.required} required)${counts.length ? `: ${counts.join(', ')}` : ''}.`, '');
  if (proof.tasks.length > 0) {
    push(
      ...table(
        ['task', 'title', 'status', 'required', 'attempts', 'commit'],
        capped(proof.tasks).map((t) => [
          code(t.id, { inTable: true }),
          cell(t.title),
          t.status,
          t.required ? 'yes' : 'no',
          String(t.attempts),
          t.commit ? code(short(t.commit), { inTable: true }) : '—',
        ]),
      ),
      ...tableMore(proof.tasks.length, 'tasks'),
      '',
    );
  }

  push('## Review wall', '');
  push(
    ...table(
      ['section', 'status', 'required', 'reviewed', 'notes'],
      REVIEW_SECTIONS.map((name) => {
        const r = proof.reviews[name];
        const note = r.gaps[0] ?? r.risks[0] ?? r.evidence[0] ?? '';
        return [
          name.replace('_', '-'),
          r.status === 'not_run' ? 'not run' : r.status,
          r.required ? 'yes' : 'no',
          r.reviewed_sha ? code(short(r.reviewed_sha), { inTable: true }) : '—',
          cell(note),
        ];
      }),
    ),
    '',
  );

  push('## Known gaps', '');
  push(...bullets(proof.known_gaps, 'None.', 'gaps'), '');

  push('## Human decisions required', '');
  push(...bullets(proof.human_decisions_required, 'None.', 'decisions'), '');
  const decisions = proof.human.decisions;
  if (decisions.length > 0) {
    push('Recorded decisions:', '');
    push(...bullets(decisions.map((d) => `${d.kind === 'accept' ? 'accepted' : 'rejected'} by ${d.by} at ${d.at}: ${d.text}`), '', 'decisions'), '');
  }

  push('## Budget', '');
  const b = proof.budget;
  const limit = (v: number | null, f: (n: number) => string) => (v === null ? 'no limit' : f(v));
  push(
    ...table(
      ['', 'limit', 'used', 'exceeded'],
      [
        ['time', limit(b.limits.time_ms, duration), duration(b.used.time_ms), b.exceeded.time ? '**yes**' : 'no'],
        ['tokens', limit(b.limits.tokens, String), String(b.used.tokens), b.exceeded.tokens ? '**yes**' : 'no'],
        ['usd', limit(b.limits.usd, usd), usd(b.used.usd), b.exceeded.usd ? '**yes**' : 'no'],
      ],
    ),
    '',
  );
  if (o.costUsd !== undefined) push(`Cost so far: ${usd(o.costUsd)}.`, '');

  push('## Changed files', '');
  push(`${count(proof.changed_files.length, 'file')} changed in ${count(proof.commits.length, 'commit')}.`, '');
  if (proof.changed_files.length > 0) push(...bullets(proof.changed_files, '', 'files', (f) => code(f, { max: 300 })), '');

  push('## How to verify', '');
  push(
    `Re-derive the verdict from the recorded evidence and artifact digests: ${code(`omk goal proof ${id} --verify`, { max: 400 })}.`,
    proof.head
      ? `omk pushed this branch at ${code(short(proof.head.sha))}, the commit the gates ran on; commits added after it are not covered by this evidence.`
      : 'No integration head is recorded, so no gate evidence covers this branch yet.',
  );
  return out;
}

function gateResult(g: ProofDocument['gates'][number]): string {
  if (g.infra_error !== null) return `infra error: ${cell(g.infra_error, 120)}`;
  if (g.timed_out) return 'timed out';
  return g.passed ? 'passed' : '**failed**';
}

function quote(lines: readonly string[]): string[] {
  const shown = lines.slice(0, 20).map((l) => `> ${text(l, 500)}`);
  return lines.length > 20 ? [...shown, `> … (${lines.length - 20} more lines)`] : shown;
}

function bullets(items: readonly string[], empty: string, noun: string, show = (i: string) => text(i, 1000)): string[] {
  if (items.length === 0) return empty ? [empty] : [];
  return [...capped(items).map((i) => `- ${show(i)}`), ...more(items.length, noun).map((l) => `- ${l}`)];
}

function capped<T>(items: readonly T[]): readonly T[] {
  return items.length > PR_LIST_CAP ? items.slice(0, PR_LIST_CAP) : items;
}

function more(total: number, noun: string): string[] {
  return total > PR_LIST_CAP ? [`… and ${total - PR_LIST_CAP} more ${noun} (see proof.md).`] : [];
}

/** The "… and N more" line after a table needs a blank line first, or GFM reads it as a row. */
function tableMore(total: number, noun: string): string[] {
  const line = more(total, noun);
  return line.length > 0 ? ['', ...line] : [];
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`: fixed formats, no locale. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalS = ms / 1000;
  if (totalS < 60) return `${totalS.toFixed(1)} s`;
  const s = Math.round(totalS);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function usd(value: number): string {
  return `$${value.toFixed(4)}`;
}
