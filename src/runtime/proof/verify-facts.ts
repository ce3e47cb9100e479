import { canonicalJson } from '../../core/canonical-json.js';
import type { EventPayload } from '../../core/events/catalogue.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import { defaultSummary, evidenceFromProof } from '../../core/proof/proof.js';
import type { ProofDocument } from '../../core/proof/proof-schema.js';
import { TASK_STATUSES, type TaskStatus } from '../../core/proof/evidence.js';
import { redactDeep } from '../../core/redact.js';
import { changedBetween, runGit, type GitContext } from '../git/index.js';
import { anchorRef, readProofAnchor } from './anchor.js';
import { sha256Bytes } from './artifacts.js';
import { goalTasks } from './test-inputs.js';
import type { ProofMismatch } from './verify-proof.js';

/**
 * The proof's fields that follow from evidence outside proof.json, checked (issue "evidence that can be
 * forged consistently"): each gate's result.json against the `gate.run_recorded` event that recorded its
 * digest; the request against `goal.created` and the store's goal row; tasks against the task graph;
 * the summary and task counts against the rest of the proof; head tree, changed files and commits against
 * git; and proof.json plus the chain against the anchor in `refs/omk/proofs/<goal>`. What cannot be
 * checked here (no repository, commits not in it, a proof written before anchors) is listed in `unchecked`.
 */
export interface FactsInput {
  goalDir: string;
  proof: ProofDocument;
  /** proof.json's bytes as read. */
  proofBytes: Buffer;
  /** Every gate run's result.json bytes, by path (those that could be read). */
  results: ReadonlyMap<string, Buffer>;
  events: readonly EventEnvelope[];
  /** The store's row for the goal. */
  storeGoal?: { prompt: string };
  /** The repository the goal ran in. */
  git?: GitContext;
}

export interface FactsReport {
  mismatches: ProofMismatch[];
  unchecked: string[];
  /** Events after the anchored chain head, by type: nothing vouches for them (delivery events, or forged ones). */
  unanchored_events: string[];
}

export async function verifyFacts(input: FactsInput): Promise<FactsReport> {
  const { proof } = input;
  const mismatches: ProofMismatch[] = [];
  const unchecked: string[] = [];
  const push = (kind: ProofMismatch['kind'], path: string, field: string, expected: unknown, found: unknown, message: string) =>
    mismatches.push({ kind, path, field, expected: String(expected), found: String(found), message });
  const covered = input.events.filter((e) => e.seq <= proof.events.count);

  // Gate records against the events that recorded their digests. A version 1 proof from a log without such events (hand-made) is not held to it.
  const recorded = new Map(covered.filter((e) => e.type === 'gate.run_recorded').map((e) => [(e.payload as EventPayload<'gate.run_recorded'>).run_id, e.payload as EventPayload<'gate.run_recorded'>]));
  if (proof.version >= 2 || recorded.size > 0) {
    proof.gates.forEach((run, i) => {
      const event = recorded.get(run.run_id);
      const at = `gates[${i}]`;
      if (!event) {
        push('evidence', 'events.jsonl', `${at}.run_id`, `a gate.run_recorded event for run ${run.run_id}`, 'none', `proof.json's gate run ${run.run_id} was never recorded in events.jsonl`);
        return;
      }
      const bytes = input.results.get(run.result_path);
      if (event.record_path !== run.result_path) push('evidence', 'events.jsonl', `${at}.result_path`, event.record_path, run.result_path, `gate run ${run.run_id}: proof.json points at ${run.result_path}, events.jsonl recorded ${event.record_path}`);
      else if (bytes && sha256Bytes(bytes) !== event.record_sha256) {
        push('evidence', run.result_path, `${at}.result_path`, event.record_sha256, sha256Bytes(bytes), `${run.result_path} is not the record events.jsonl vouches for (sha256 ${sha256Bytes(bytes).slice(0, 12)}, recorded ${event.record_sha256.slice(0, 12)})`);
      }
      const facts: Array<[string, unknown, unknown]> = [['name', event.gate, run.name], ['scope', event.scope, run.scope], ['task_id', event.task_id, run.task_id], ['tree_sha', event.tree_sha, run.tree_sha], ['passed', event.passed, run.passed], ['reused_from', event.reused_from ?? null, run.reused_from ?? null]];
      for (const [key, want, have] of facts) {
        if (want !== have) push('evidence', 'events.jsonl', `${at}.${key}`, want, have, `proof.json's gate run ${run.run_id} says ${key} ${String(have)}, events.jsonl recorded ${String(want)}`);
      }
    });
    const listed = new Set(proof.gates.map((g) => g.run_id));
    for (const [id, e] of recorded) {
      if (!listed.has(id)) push('evidence', 'proof.json', 'gates', `gate run ${id}`, 'absent', `events.jsonl records gate run ${id} (${e.gate}, ${e.scope}) that proof.json leaves out`);
    }
  }

  // The request: as the chain and the store's goal row hold it (redacted, as proof.json does).
  const created = covered.find((e) => e.type === 'goal.created');
  if (created) {
    const prompt = redactDeep((created.payload as EventPayload<'goal.created'>).prompt);
    if (prompt !== proof.goal.request) push('evidence', 'events.jsonl', 'goal.request', prompt, proof.goal.request, "proof.json's request is not the one goal.created recorded");
  }
  if (input.storeGoal && redactDeep(input.storeGoal.prompt) !== proof.goal.request) {
    push('evidence', 'omk.db', 'goal.request', redactDeep(input.storeGoal.prompt), proof.goal.request, "proof.json's request is not the store's (goals.prompt)");
  }

  // Fields that follow from the rest of proof.json.
  const evidence = evidenceFromProof(proof);
  const summary = defaultSummary(evidence);
  if (summary !== proof.summary) push('evidence', 'proof.json', 'summary', summary, proof.summary, `proof.json's summary does not follow from its evidence (derived "${summary}")`);
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const t of proof.tasks) byStatus[t.status] += 1;
  const counts = { total: proof.tasks.length, required: proof.tasks.filter((t) => t.required).length, by_status: byStatus };
  if (canonicalJson(counts) !== canonicalJson(proof.task_graph_summary)) push('evidence', 'proof.json', 'task_graph_summary', canonicalJson(counts), canonicalJson(proof.task_graph_summary), "proof.json's task_graph_summary does not count its tasks");
  proof.tasks.forEach((t, i) => {
    const gates = proof.gates.filter((g) => g.scope === 'task' && g.task_id === t.id).map((g) => g.run_id);
    if (canonicalJson(gates) !== canonicalJson(t.gates)) push('evidence', 'proof.json', `tasks[${i}].gates`, gates.join(','), t.gates.join(','), `task ${t.id}'s gate runs are not the task-scoped runs of proof.json`);
  });

  // Tasks against the plan (version 2: task-graph.json is a listed artifact, so its bytes are vouched for).
  if (proof.version >= 2 && proof.artifacts.some((a) => a.path === 'task-graph.json')) {
    const planned = await goalTasks(input.goalDir, covered);
    if (planned) {
      const byId = new Map(planned.map((t) => [t.id, t]));
      proof.tasks.forEach((t, i) => {
        const p = byId.get(t.id);
        if (!p) push('evidence', 'task-graph.json', `tasks[${i}].id`, 'a task of the plan', t.id, `proof.json lists task ${t.id}, which task-graph.json and the task.added events do not plan`);
        else if (redactDeep(p.title) !== t.title) push('evidence', 'task-graph.json', `tasks[${i}].title`, redactDeep(p.title), t.title, `task ${t.id}'s title in proof.json is not the plan's`);
      });
      if (planned.length !== proof.tasks.length) push('evidence', 'task-graph.json', 'tasks', `${planned.length} tasks`, `${proof.tasks.length} tasks`, 'proof.json does not list every task of the plan');
    }
  }

  if (!input.git) {
    unchecked.push('head, changed files, commits and the anchor: no repository given');
    return { mismatches, unchecked, unanchored_events: [] };
  }
  await checkGit(input.git, proof, push, unchecked);
  const anchored = await checkAnchor(input, push, unchecked);
  return { mismatches, unchecked, unanchored_events: anchored };
}

type Push = (kind: ProofMismatch['kind'], path: string, field: string, expected: unknown, found: unknown, message: string) => void;

/** Head tree, changed files and commits, as the writer computed them from git (proof.ts). */
async function checkGit(git: GitContext, proof: ProofDocument, push: Push, unchecked: string[]): Promise<void> {
  const exists = async (sha: string) => (await runGit(git, ['cat-file', '-e', `${sha}^{commit}`], { okCodes: [0, 1, 128] })).exitCode === 0;
  if (!(await exists(proof.base.sha))) {
    unchecked.push(`base ${proof.base.sha.slice(0, 12)} is not in this repository: head, changed files and commits not checked`);
    return;
  }
  const head = proof.head;
  if (head === null) return;
  if (!(await exists(head.sha))) {
    unchecked.push(`head ${head.sha.slice(0, 12)} is not in this repository: its tree, changed files and commits not checked`);
    return;
  }
  const tree = (await runGit(git, ['rev-parse', `${head.sha}^{tree}`])).stdout.trim();
  if (tree !== head.tree) push('evidence', 'proof.json', 'head.tree', tree, head.tree, `proof.json says head ${head.sha.slice(0, 12)} has tree ${head.tree.slice(0, 12)}, git says ${tree.slice(0, 12)}`);
  const changed = [...new Set((await changedBetween(git, proof.base.sha, head.sha)).map((f) => f.path))].sort();
  if (canonicalJson(changed) !== canonicalJson(proof.changed_files)) push('evidence', 'proof.json', 'changed_files', changed.join(', '), proof.changed_files.join(', '), `proof.json's changed_files are not git's diff of base..head (${changed.length} files)`);
  const commits = (await runGit(git, ['rev-list', '--reverse', `${proof.base.sha}..${head.sha}`])).stdout.split('\n').filter(Boolean);
  if (canonicalJson(commits) !== canonicalJson(proof.commits)) push('evidence', 'proof.json', 'commits', commits.join(','), proof.commits.join(','), "proof.json's commits are not git's base..head");
}

/** proof.json and the chain against refs/omk/proofs/<goal>; returns the types of events after the anchored head. */
async function checkAnchor(input: FactsInput, push: Push, unchecked: string[]): Promise<string[]> {
  const { proof } = input;
  const ref = anchorRef(proof.goal_id);
  const read = await readProofAnchor(input.git!, proof.goal_id);
  if (!read.ok) {
    // Proofs before version 2 were written before anchors existed.
    if (read.reason === 'missing' && proof.version < 2) unchecked.push(`no anchor (${ref}): a version ${proof.version} proof, written before proofs were anchored`);
    else push('anchor', ref, 'anchor', 'the anchor written with the proof', read.reason === 'missing' ? 'no ref' : 'unreadable', `${read.message}: nothing outside the goal directory vouches for this proof`);
    return [];
  }
  const { anchor } = read;
  const actual = sha256Bytes(input.proofBytes);
  if (anchor.goal_id !== proof.goal_id) push('anchor', ref, 'goal_id', proof.goal_id, anchor.goal_id, `${ref} anchors goal ${anchor.goal_id}, not ${proof.goal_id}`);
  if (anchor.proof_sha256 !== actual) push('anchor', 'proof.json', 'sha256', anchor.proof_sha256, actual, `proof.json is not the proof anchored in ${ref} (sha256 ${actual.slice(0, 12)}, anchored ${anchor.proof_sha256.slice(0, 12)})`);
  if (canonicalJson(anchor.proof_events) !== canonicalJson(proof.events)) push('anchor', 'proof.json', 'events', canonicalJson(anchor.proof_events), canonicalJson(proof.events), `proof.json's chain head is not the one anchored in ${ref}`);
  const { count, head } = anchor.proof_events;
  const at = input.events.find((e) => e.seq === count);
  if (count > 0 && at?.hash !== head) {
    push('anchor', 'events.jsonl', `line ${count}`, String(head), String(at?.hash ?? 'no such event'), `events.jsonl's event ${count} is not the one anchored in ${ref} (hash ${String(at?.hash ?? 'none').slice(0, 12)}, anchored ${String(head).slice(0, 12)})`);
  }
  // After the proof's head: the status change and proof.written that recorded this very proof, then whatever else.
  const written = input.events.find((e) => e.seq > count && e.type === 'proof.written' && (e.payload as EventPayload<'proof.written'>).sha256 === anchor.proof_sha256);
  const own = new Set(written ? [written.seq, ...input.events.filter((e) => e.seq > count && e.seq < written.seq && e.type === 'goal.status_changed').map((e) => e.seq)] : []);
  return input.events.filter((e) => e.seq > count && !own.has(e.seq)).map((e) => e.type);
}
