import { formatUsd } from '../../budget/money.js';
import { formatDurationMs } from '../../budget/parse.js';

/**
 * One line per event for `omk goal replay` and `omk goal watch`. Pure and deterministic (no clock,
 * no locale). Payloads come from a log that may be older or newer than this omk, so every field is
 * read defensively; they are redacted before they are written, so nothing here needs to hide secrets.
 */
type P = Record<string, unknown>;
const s = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const short = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 12) : s(v));
const list = (v: unknown): string => (Array.isArray(v) ? v.map(s).join(', ') : s(v));
const count = (v: unknown): number => (Array.isArray(v) ? v.length : 0);
const obj = (v: unknown): P => (v && typeof v === 'object' ? (v as P) : {});
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';
/** `: reason` (after `lead`) when the optional field is set; nothing otherwise. */
const opt = (v: unknown, lead: string): string => (absent(v) ? '' : `${lead}${s(v)}`);
const paren = (v: unknown): string => (absent(v) ? '' : ` (${s(v)})`);
const ms = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? formatDurationMs(Math.round(v)) : s(v));
const usd = (v: unknown): string => (typeof v === 'number' && Number.isInteger(v) ? formatUsd(v) : s(v));
/** `team 3:executor` for a team run's intake; nothing for any other goal. */
const team = (v: unknown): string => (v && typeof v === 'object' ? `, team ${s((v as P).workers)}:${s((v as P).role)}` : '');

/** Budget limits as `time 2h, tokens 500000, usd $5.00`; null members are unlimited. */
function limits(v: unknown): string {
  const l = obj(v);
  const parts: string[] = [];
  if (l.time_ms !== undefined && l.time_ms !== null) parts.push(`time ${ms(l.time_ms)}`);
  if (l.tokens !== undefined && l.tokens !== null) parts.push(`tokens ${s(l.tokens)}`);
  if (l.usd_micros !== undefined && l.usd_micros !== null) parts.push(`usd ${usd(l.usd_micros)}`);
  return parts.length === 0 ? 'no limits' : parts.join(', ');
}

/** A budget amount in its dimension's unit. */
function amount(dimension: unknown, v: unknown): string {
  if (dimension === 'time') return ms(v);
  if (dimension === 'usd') return usd(v);
  return s(v);
}

function bootstrapped(p: P): string {
  const head = `worktree for task ${s(p.task_id)} attempt ${s(p.attempt)}`;
  if (!p.ok) return `${head} NOT ready: ${s(p.failure)}`;
  const setup = p.setup ? obj(p.setup) : undefined;
  const ran = setup ? `, setup \`${s(setup.command)}\` exit ${s(setup.exit_code)} in ${ms(setup.duration_ms)}` : '';
  return `${head} ready: ${s(p.copied_count ?? count(p.copied))} file(s) copied, ${count(p.skipped)} skipped${ran}`;
}

function recovered(p: P): string {
  const parts = [`${count(p.dirty_paths)} dirty path(s)${p.snapshot_tree ? ` saved as tree ${short(p.snapshot_tree)}` : ''}`];
  if (count(p.discarded_commits) > 0) parts.push(`${count(p.discarded_commits)} commit(s) set aside`);
  if (p.reset_to) parts.push(`reset to ${short(p.reset_to)}`);
  if (p.moved_aside) parts.push(`moved aside to ${s(p.moved_aside)}`);
  return `worktree of task ${s(p.task_id)} recovered: ${parts.join(', ')}`;
}

/** One line saying what the event means. Unknown types show their payload keys. */
export function summarizeEvent(type: string, payload: unknown): string {
  const p = obj(payload);
  switch (type) {
    case 'goal.created':
      return `goal created: ${JSON.stringify(s(p.prompt).slice(0, 120))}`;
    case 'goal.status_changed':
      return `status ${s(p.from)} -> ${s(p.to)}${p.reason ? ` (${s(p.reason)})` : ''}`;
    case 'goal.cancelled':
      return `goal cancelled${opt(p.reason, ': ')}`;
    case 'goal.failed':
      return `goal failed: ${s(p.reason)}`;
    case 'goal.intake_assessed':
      return `intake: ${s(p.type)} (confidence ${s(p.confidence)}), ${p.testable ? 'testable' : 'NOT testable'}, oracle [${list(obj(p.oracle).gates ?? [])}], base ${short(p.base_sha)}${team(p.team)}`;
    case 'goal.question_asked':
      return `question for a human: ${s(p.question)}`;
    case 'goal.controller_started':
      return `controller ${s(p.owner)} took charge (pid ${s(p.pid)} on ${s(p.host)})${p.resumed ? ', resuming' : ''}`;
    case 'goal.pause_requested':
      return `pause requested by ${s(p.by)}${opt(p.reason, ': ')}`;
    case 'goal.cancel_requested':
      return `cancel requested by ${s(p.by)}${opt(p.reason, ': ')}`;
    case 'goal.paused':
      return `goal paused (asked by ${s(p.by)})${opt(p.reason, ': ')}`;
    case 'goal.resumed':
      return `goal resumed by ${s(p.by)}${p.crashed_controller ? ` after controller ${s(p.crashed_controller)} died` : ''}`;
    case 'engine.unavailable':
      return `${s(p.role)} engine ${s(p.engine)} unavailable (${s(p.kind)}): ${s(p.detail)}`;
    case 'decision.recorded':
      return `decision [${s(p.topic)}]: ${s(p.choice)} — ${s(p.reason)}`;
    case 'goal.planned':
      return `planned by ${s(p.planner)}${p.engine ? ` (${s(p.engine)})` : ''}: ${count(p.tasks)} task(s) after ${s(p.asks)} ask(s)`;
    case 'baseline.completed':
      return `baseline on ${short(p.base_sha)}: passed [${list(p.passed)}], failed [${list(p.failed)}]`;
    case 'gate.transitioned':
      return `gate ${s(p.gate)} ${s(p.from)} -> ${s(p.to)}`;
    case 'gate.breaker_transitioned':
      return `gate ${s(p.gate)} breaker ${s(p.from)} -> ${s(p.to)} after ${s(p.consecutive_failures)} failure(s) in a row: ${s(p.reason)}`;
    case 'gate.started':
      return `gate ${s(p.gate)} started on tree ${short(p.tree_sha)}`;
    case 'gate.finished':
      return `gate ${s(p.gate)} ${s(p.outcome)} (exit ${s(p.exit_code)})`;
    case 'gate.run_recorded':
      return `gate ${s(p.gate)} [${s(p.scope)}${p.task_id ? ` ${s(p.task_id)}` : ''}] ${p.passed ? 'PASS' : 'FAIL'} on tree ${short(p.tree_sha)}${p.reused_from ? ` (reused ${s(p.reused_from)})` : ''}`;
    case 'task.started':
      return `task ${s(p.task_id)} attempt ${s(p.attempt)} started (lease ${s(p.token)}, ${s(p.branch)})`;
    case 'task.attempt_finished':
      return `task ${s(p.task_id)} attempt ${s(p.attempt)}: ${s(p.outcome)}${p.commit ? `, commit ${short(p.commit)}` : ''}${count(p.rejected_files) > 0 ? `, rejected [${list(p.rejected_files)}]` : ''}`;
    case 'task.attempt_interrupted':
      return `task ${s(p.task_id)} attempt ${s(p.attempt)} interrupted (not counted as a failure): ${s(p.reason)}`;
    case 'task.blocked':
      return `task ${s(p.task_id)} blocked (attempt ${s(p.attempt)}): ${s(p.reason)}`;
    case 'task.completed':
      return `task ${s(p.task_id)} done after ${s(p.attempts)} attempt(s)`;
    case 'task.failed':
      return `task ${s(p.task_id)} failed after ${s(p.attempts)} attempt(s): ${s(p.reason)}`;
    case 'task.lease_expired':
      return `lease on task ${s(p.task_id)} expired (owner ${s(p.owner)}); the task went back to the queue`;
    case 'task.added': {
      const task = obj(p.task);
      return `task ${s(task.id)} added (${s(p.source)}${p.fixes ? ` for ${s(p.fixes)}` : ''}): ${JSON.stringify(s(task.title ?? '').slice(0, 80))}${opt(p.reason, ' — ')}`;
    }
    case 'task.proposal_rejected':
      return `proposal ${p.proposal_id ? s(p.proposal_id) : '(no id)'} from task ${s(p.by_task)} attempt ${s(p.attempt)} rejected: ${Array.isArray(p.problems) ? p.problems.map(s).join('; ') : s(p.problems)}`;
    case 'worktree.recovered':
      return recovered(p);
    case 'worktree.bootstrapped':
      return bootstrapped(p);
    case 'goal.stalled':
      return `task ${s(p.task_id)} stalled: ${Array.isArray(p.findings) ? p.findings.map((f) => s(obj(f).message)).join('; ') : ''}`;
    case 'goal.round_started':
      return `round ${s(p.round)} started: re-queued [${list(p.requeued)}] (${s(p.reason)})`;
    case 'integration.merged':
      return `merged ${s(p.task_id)} (${short(p.source_sha)}) -> ${short(p.head_sha)}`;
    case 'integration.conflicted':
      return `merge of ${s(p.task_id)} conflicted on [${list(p.paths)}]`;
    case 'integration.bisected':
      return `combined failure of [${list(p.gates)}] bisected: ${s(p.responsible)} breaks it${count(p.together_with) > 0 ? ` together with [${list(p.together_with)}]` : ''} (order [${list(p.slices)}])`;
    case 'integration.completed':
      return `integration head ${short(p.head_sha)} with [${list(p.merged)}]`;
    case 'red_green.prepared':
      return `base ${short(p.base_sha)} with the test files of ${short(p.head_sha)} applied: tree ${short(p.tree_sha)} ([${list(p.files)}])`;
    case 'review.completed': {
      const sections = Object.entries(obj(p.sections)).map(([k, v]) => `${k}=${s(v)}`);
      return `review of ${short(p.reviewed_sha)}: ${sections.join(' ')}`;
    }
    case 'proof.written':
      return `proof: ${s(p.status)} — ${s(p.readiness)}`;
    case 'proof.ready':
      return `proof ready at ${s(p.path)}${paren(p.status)}`;
    case 'budget.set':
      return `budget set from ${s(p.source)}: ${limits(p.limits)}${p.per_task ? `; per task ${limits(p.per_task)}` : ''}`;
    case 'budget.extended': {
      const ext = Array.isArray(p.extensions) ? p.extensions.map((e) => obj(e)).map((e) => `${s(e.dimension)} ${amount(e.dimension, e.from)} -> ${amount(e.dimension, e.to)}`) : [];
      return `budget extended by ${s(p.by)}: ${ext.join(', ') || 'no change'}; now ${limits(p.limits)}`;
    }
    case 'budget.checkpoint':
      return `running time so far ${ms(p.time_ms)}`;
    case 'budget.exhausted':
      return `budget exhausted: ${s(p.dimension)}${p.task_id ? ` of task ${s(p.task_id)}` : ''} (${s(p.role)} after ${ms(p.time_ms)}): ${s(p.detail)}`;
    case 'budget.reserved':
      return `reserved ${s(p.tokens)} tokens, ${usd(p.usd_micros)} for task ${s(p.task_id)} (${s(p.role)}, ${s(p.reservation_id)})`;
    case 'budget.released':
      return `released reservation ${s(p.reservation_id)} of task ${s(p.task_id)} (${s(p.reason)})`;
    case 'human.accepted':
      return `accepted by ${s(p.by)}${opt(p.summary, ': ')}`;
    case 'human.rejected':
      return `rejected by ${s(p.by)}: ${s(p.reason)}`;
    case 'delivery.pr_opened':
      return `PR #${s(p.number)} ${s(p.operation)}${p.draft ? ' (draft)' : ''}: ${s(p.branch)} at ${short(p.head_sha)} -> ${s(p.base)}, verdict ${s(p.verdict)} ${s(p.url)}`;
    case 'delivery.merged':
      return `PR #${s(p.number)} ${p.already_merged ? 'was already merged' : 'merged'} (policy ${s(p.policy)})${p.merge_sha ? ` as ${short(p.merge_sha)}` : ''}: ${s(p.reason)}`;
    case 'delivery.merge_refused':
      return `merge ${p.number === null || p.number === undefined ? '' : `of PR #${s(p.number)} `}refused (policy ${s(p.policy)}): ${s(p.reason)}`;
    case 'delivery.failed':
      return `delivery (${s(p.policy)}) failed at ${s(p.stage)}: ${s(p.code)}: ${s(p.message)}${opt(p.hint, ' — ')}`;
    case 'notify.attempt_failed':
      return `notification to ${s(p.target)} (${s(p.kind)}, ${s(p.trigger)}) failed on attempt ${s(p.attempt)}: ${s(p.error)}; retry in ${ms(p.retry_in_ms)}`;
    case 'notify.delivered':
      return `notified ${s(p.target)} (${s(p.kind)}) of ${s(p.trigger)} at seq ${s(p.trigger_seq)}: ${s(p.detail)}`;
    case 'notify.failed':
      return `notification to ${s(p.target)} (${s(p.kind)}) of ${s(p.trigger)} not delivered after ${s(p.attempts)} attempt(s)${p.retryable === false ? ' (will not pass by retrying)' : ''}: ${s(p.error)}`;
    case 'approval.requested':
      return `approval waiting for a person: ${s(p.tool_kind)}: ${s(p.summary)}`;
    case 'approval.decided':
      return `approval ${s(p.decision)} ${s(p.tool_kind)}: ${s(p.summary)} [${s(p.rule)}]`;
    case 'cost.recorded':
      return `cost ${s(p.source)}: ${s(p.tokens_in)} in, ${s(p.tokens_out)} out, $${Number(p.usd ?? 0).toFixed(4)}`;
    default:
      return `${Object.keys(p).sort().join(', ')}`;
  }
}
