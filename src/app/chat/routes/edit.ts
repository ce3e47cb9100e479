import { homedir } from 'node:os';
import path from 'node:path';
import type { ChatOutcome, GateStatus, PendingDiff } from '../../../core/chat/types.js';
import { ASK_OUTCOME } from '../../../core/approval/rule-ids.js';
import { summarizeRequest } from '../../../core/approval/summary.js';
import { resolveEngine } from '../../../engines/registry/index.js';
import { createApprovalPolicy } from '../../../runtime/approval/index.js';
import { approvalSettings } from '../../../runtime/config/approval-config.js';
import { ensureOmkExcluded } from '../../../runtime/config/git-exclude.js';
import { loadConfig } from '../../../runtime/config/load-config.js';
import { loadGates, runGates } from '../../../runtime/gates/index.js';
import { commitAll, createWorktree, currentBranch, diffBetween, headSha, removeWorktree, type GitContext } from '../../../runtime/git/index.js';
import { registryEnginePort } from '../../engine-port.js';
import { repoPaths } from '../../repo.js';
import type { RouteScope } from './scope.js';
import { withHistory } from './scope.js';

/** The instruction around a small edit: one bounded change, in this worktree, nothing else. */
function editPrompt(request: string): string {
  return [
    'OMK-CHAT-EDIT',
    'Make this one bounded change in the repository in the current directory. Edit only what the request needs;',
    'do not commit (omk commits and runs the checks). When done, say in one or two sentences what you changed.',
    '',
    request,
  ].join('\n');
}

/**
 * `small`: one agent edit in its own worktree on `omk/chat/<session>-<n>` from HEAD, committed by omk,
 * judged by the repository's gates there, and returned as a diff. The working branch is not touched
 * here: `accept()` applies the commit, `reject()` drops it (edit-apply.ts).
 */
export async function editRoute(scope: RouteScope): Promise<ChatOutcome> {
  const { core, signal } = scope;
  const ctx = core.ctx;
  const paths = repoPaths(ctx);
  const git: GitContext = { cwd: paths.repoRoot, env: ctx.env };
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const spec = resolveEngine(core.engine ?? config.defaults.engine, config, sources);
  // The worktree lives under .omk/: keep it (and the rest of omk's state) out of the user's `git status`.
  await ensureOmkExcluded(paths.repoRoot, ctx.env);
  const n = core.nextEditNumber();
  const name = `${core.id}-${n}`;
  const branch = `omk/chat/${name}`;
  const target = (await currentBranch(git)) ?? 'HEAD';
  const base = await headSha(git);
  const wtRoot = config.worktrees.root ? path.resolve(paths.repoRoot, config.worktrees.root) : path.join(paths.omkDir, 'worktrees');
  const wt = await createWorktree(git, { path: path.join(wtRoot, 'chat', name), branch, base, goalId: core.id, taskId: `edit-${n}`, now: ctx.now });
  const workerId = `edit-${n}`;
  core.emit({ type: 'mode', mode: 'edit' });
  core.publish({ type: 'worker.started', payload: { worker_id: workerId, kind: 'small', task: scope.text } });
  core.emit({ type: 'worker', worker_id: workerId, task: scope.text, state: 'started', at: core.now() });

  let ok = false;
  let files = 0;
  try {
    const mode = config.defaults.approval === 'plan' ? 'auto' : config.defaults.approval;
    const alwaysAllowed = new Set<string>();
    const policy = createApprovalPolicy({
      ...approvalSettings(config, { sessionDir: wt.path, homeDir: ctx.env.HOME ?? homedir(), mode }),
      session: core.id,
      // `ask` mode asks in the chat itself (answered with y/n/always), never on a hidden terminal.
      promptFn: async ({ request, decision }) => {
        const summary = summarizeRequest(request);
        if (alwaysAllowed.has(request.kind)) return { decision: 'allow', rule: ASK_OUTCOME.allowed, reason: `allowed: ${request.kind} always allowed in this session`, timedOut: false };
        const { answer, timedOut } = await core.ask(
          { kind: 'tool', question: `${summary} (${decision.reason})`, options: ['y', 'n', 'always'], timeout_ms: core.settings.askTimeoutMs, default: config.approval.prompt_default === 'allow' ? 'y' : 'n' },
          signal,
        );
        if (answer === 'always') alwaysAllowed.add(request.kind);
        const allow = answer === 'y' || answer === 'always';
        return { decision: allow ? 'allow' : 'deny', rule: timedOut ? ASK_OUTCOME.timedOut : allow ? ASK_OUTCOME.allowed : ASK_OUTCOME.denied, reason: timedOut ? 'no answer in time: the default' : allow ? 'allowed in the chat' : 'denied in the chat', timedOut };
      },
    });
    const outcome = await registryEnginePort(spec, ctx.env).runTurn({
      role: 'executor',
      cwd: wt.path,
      prompt: editPrompt(withHistory(scope)),
      mode: 'auto',
      approve: (request, s) => policy.check(request, { signal: s }),
      transcriptFile: path.join(core.files.dir, 'transcripts', `${workerId}.jsonl`),
      signal,
      onActivity: (line) => core.emit({ type: 'activity', line }),
      onLive: (activity) => {
        if (activity.kind === 'text') core.emit({ type: 'text', text: activity.text });
      },
    });
    if (!outcome.started) return { kind: 'failed', route: 'small', reason: `the ${spec.name} engine did not start: ${outcome.detail}` };
    core.emit({ type: 'cost', tokens_in: outcome.usage.input, tokens_out: outcome.usage.output, usd: spec.pricing ? outcome.costUsd : 0 });
    if (signal.aborted || outcome.stopReason === 'cancelled') return { kind: 'cancelled', route: 'small', reason: 'the edit was cancelled; nothing was applied' };
    if (outcome.stopReason !== 'end_turn') {
      return { kind: 'failed', route: 'small', reason: `the ${spec.name} engine stopped (${outcome.stopReason})${outcome.errorMessage ? `: ${outcome.errorMessage}` : ''}; nothing was applied` };
    }
    const commit = await commitAll({ cwd: wt.path, env: ctx.env }, { message: `omk chat: ${scope.text.split('\n')[0]!.slice(0, 72)}` });
    if (!commit.committed) return { kind: 'no_change', route: 'small', text: outcome.text || 'the agent changed nothing' };

    const gates = await judge(scope, paths.repoRoot, wt.path, commit.tree, workerId);
    const diff = await diffBetween(git, base, commit.sha);
    files = diff.files.length;
    ok = gates.every((g) => g.state === 'passed');
    const pending: PendingDiff = { branch, commit: commit.sha, target, files: diff.files.map((f) => f.path), diff: diff.patch, gates, gates_ok: ok };
    core.pending = pending;
    core.emit({ type: 'diff_ready', diff: pending });
    return { kind: 'diff_ready', route: 'small', diff: pending };
  } finally {
    core.publish({ type: 'worker.completed', payload: { worker_id: workerId, ok, files_touched: files } });
    core.emit({ type: 'worker', worker_id: workerId, task: scope.text, state: ok ? 'completed' : 'failed', at: core.now() });
    // The commit stays on its branch; the worktree has done its job.
    const removed = await removeWorktree(git, { path: wt.path, deleteBranch: false }).catch((error: unknown) => ({ removed: false as const, message: String(error) }));
    if (!removed.removed) ctx.log.warn(`chat: could not remove the edit worktree ${wt.path}: ${removed.message}`);
  }
}

/** The repository's gates (configured, else detected) on the edit's tree; each transition is an event. */
async function judge(scope: RouteScope, repoRoot: string, worktree: string, tree: string, workerId: string): Promise<GateStatus[]> {
  const { core, signal } = scope;
  const ctx = core.ctx;
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const set = await loadGates({ repoRoot, config, sources, env: ctx.env });
  if (set.active.length === 0) return [];
  const states: GateStatus[] = [];
  for (const gate of set.active) {
    core.emit({ type: 'gate', gate: { name: gate.name, state: 'running' } });
    core.publish({ type: 'gate.transitioned', payload: { gate: gate.name, from: 'pending', to: 'running' } });
    const run = await runGates([gate], { repoRoot: worktree, treeSha: tree, goalDir: path.join(core.files.dir, 'edits', workerId), env: ctx.env, signal, now: ctx.now });
    const evidence = run.runs[0];
    const state: GateStatus = { name: gate.name, state: evidence?.passed === true ? 'passed' : 'failed' };
    states.push(state);
    core.emit({ type: 'gate', gate: state });
    core.publish({ type: 'gate.transitioned', payload: { gate: gate.name, from: 'running', to: state.state } });
  }
  return states;
}
