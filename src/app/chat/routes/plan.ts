import type { ChatOutcome, PendingDiff } from '../../../core/chat/types.js';
import { diffBetween, type GitContext } from '../../../runtime/git/index.js';
import { goalService } from '../../goal-service.js';
import { repoPaths } from '../../repo.js';
import type { RouteScope } from './scope.js';

/** Workers of a medium request: a short plan is a few independent slices. */
const PLAN_WORKERS = 3;

/**
 * `medium`: a short plan run by a few workers — a team run (docs/goals.md "Team runs") driven in this
 * process, with its own worktrees, gates and integration branch. The integrated result is offered as
 * a diff like a small edit; the working branch changes only on `accept()`.
 */
export async function planRoute(scope: RouteScope): Promise<ChatOutcome> {
  const { core } = scope;
  const ctx = { ...core.ctx, signal: scope.signal, progress: (line: string) => core.emit({ type: 'activity', line }) };
  core.emit({ type: 'mode', mode: 'plan' });
  const workerId = 'plan';
  core.publish({ type: 'worker.started', payload: { worker_id: workerId, kind: 'medium', task: scope.text } });
  core.emit({ type: 'worker', worker_id: workerId, task: scope.text, state: 'started', at: core.now() });
  let ok = false;
  let files = 0;
  try {
    const run = await goalService(ctx).team(`${PLAN_WORKERS}:executor`, scope.text, core.engine === undefined ? {} : { engine: core.engine });
    const goalId = run.result.goalId;
    core.meta.goals.push(goalId);
    const view = await goalService(core.ctx).status(goalId);
    core.emit({ type: 'plan', steps: view.tasks.map((t) => ({ id: t.id, title: t.title, state: t.status === 'done' ? 'done' : t.status === 'failed' || t.status === 'blocked' ? 'failed' : 'pending' })) });
    core.emit({ type: 'cost', tokens_in: view.cost.tokens_in, tokens_out: view.cost.tokens_out, usd: view.cost.usd });
    if (run.result.status === 'interrupted' || scope.signal.aborted) return { kind: 'cancelled', route: 'medium', reason: 'the plan was cancelled; nothing was applied' };
    if (run.result.status !== 'ready' || view.integration === null || view.base === null) {
      const gaps = view.proof?.known_gaps.slice(0, 3).join('; ');
      return { kind: 'failed', route: 'medium', reason: `the plan ended ${run.result.status}: ${run.result.reason}${gaps ? ` (${gaps})` : ''}; nothing was applied (omk goal show ${goalId})` };
    }
    const git: GitContext = { cwd: repoPaths(core.ctx).repoRoot, env: core.ctx.env };
    const diff = await diffBetween(git, view.base.sha, view.integration.head_sha);
    files = diff.files.length;
    if (files === 0) return { kind: 'no_change', route: 'medium', text: 'the plan changed nothing' };
    ok = true;
    const gates = [...new Map(view.gates.filter((g) => g.scope === 'integration').map((g) => [g.gate, { name: g.gate, state: g.passed ? ('passed' as const) : ('failed' as const) }])).values()];
    const pending: PendingDiff = { branch: view.integration.branch, commit: view.integration.head_sha, target: view.base.ref, files: diff.files.map((f) => f.path), diff: diff.patch, gates, gates_ok: gates.every((g) => g.state === 'passed') };
    core.pending = pending;
    core.emit({ type: 'diff_ready', diff: pending });
    return { kind: 'diff_ready', route: 'medium', diff: pending };
  } finally {
    core.publish({ type: 'worker.completed', payload: { worker_id: workerId, ok, files_touched: files } });
    core.emit({ type: 'worker', worker_id: workerId, task: scope.text, state: ok ? 'completed' : 'failed', at: core.now() });
  }
}
