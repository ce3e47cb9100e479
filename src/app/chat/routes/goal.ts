import { paneWithGoal } from '../../../core/chat/pane-goal.js';
import type { ChatOutcome } from '../../../core/chat/types.js';
import { isKnownEventType, type OmkEvent } from '../../../core/events/catalogue.js';
import { summarizeEvent } from '../../../core/goal/controller/event-summary.js';
import { goalService } from '../../goal-service.js';
import type { SessionCore } from '../session-core.js';
import type { RouteScope } from './scope.js';

/**
 * `large`: a child goal, run detached (its own controller process, so it outlives the chat) under
 * what is left of the session's hard cost cap, then followed on the goal feed until its verdict and
 * proof. Cancelling the request cancels the goal.
 */
export async function goalRoute(scope: RouteScope): Promise<ChatOutcome> {
  const { core } = scope;
  const hard = core.settings.hardCapUsd;
  const left = hard === undefined ? undefined : Math.max(0, hard - core.meta.cost.usd);
  const started = await goalService(core.ctx).runDetached(scope.text, {
    ...(core.engine === undefined ? {} : { engine: core.engine }),
    ...(left === undefined ? {} : { budgetUsd: left.toFixed(6) }),
  });
  const goalId = started.goal_id;
  core.meta.goals.push(goalId);
  await core.saveMeta();
  core.publish({ type: 'goal.created', payload: { goal_id: goalId, prompt: scope.text, parent_id: core.id } }, goalId);
  core.emit({ type: 'goal_created', goal_id: goalId });
  core.emit({ type: 'mode', mode: 'goal', goal_id: goalId });
  const onAbort = () => void goalService(core.ctx).cancel(goalId, { reason: 'cancelled from the chat', by: `chat ${core.id}` }).catch((error: unknown) => core.ctx.log.warn(`chat: cancelling ${goalId} failed: ${String(error)}`));
  scope.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await followGoal(core, goalId);
  } finally {
    scope.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Follows a child goal on the feed until no controller runs it (its verdict, paused, cancelled) or
 * the session closes. Its escalation-class events go onto the session bus (the escalation log), its
 * view into the pane. Also used to reattach to a resumed session's running goals.
 */
export async function followGoal(core: SessionCore, goalId: string, emitTo?: (outcome: ChatOutcome) => void): Promise<ChatOutcome> {
  const ctx = { ...core.ctx, signal: core.closing.signal };
  const end = await goalService(ctx).watch(goalId, {
    onEvent: (event, view) => {
      core.pane = paneWithGoal(core.pane, view);
      // The chat recorded the goal's creation itself, as a child of this session.
      if (event.type !== 'goal.created' && isKnownEventType(event.type)) {
        core.publish({ type: event.type, payload: event.payload } as OmkEvent, goalId, event.ts);
      }
      core.emit({ type: 'goal_event', goal_id: goalId, seq: event.seq, event_type: event.type, summary: summarizeEvent(event.type, event.payload) });
      if (event.type === 'gate.started' || event.type === 'gate.finished') {
        const p = event.payload as { gate: string; passed?: boolean };
        core.emit({ type: 'gate', goal_id: goalId, gate: { name: p.gate, state: event.type === 'gate.started' ? 'running' : p.passed === true ? 'passed' : 'failed' } });
      } else if (event.type === 'cost.recorded') {
        const p = event.payload as { tokens_in: number; tokens_out: number; usd: number };
        core.emit({ type: 'cost', tokens_in: p.tokens_in, tokens_out: p.tokens_out, usd: p.usd });
      } else if (event.type === 'proof.written' || event.type === 'proof.ready') {
        // A goal records `proof.written`; for the session it is the proof becoming ready (the escalation log's `proof_ready`).
        const p = event.payload as { path: string; status?: string };
        const file = view.proof?.path ?? p.path;
        const status = p.status ?? view.status;
        if (event.type === 'proof.written') core.publish({ type: 'proof.ready', payload: { path: file, status } }, goalId, event.ts);
        core.emit({ type: 'proof_ready', goal_id: goalId, status, path: file });
      }
    },
    onLive: (_message, view) => {
      core.pane = paneWithGoal(core.pane, view);
    },
  });
  const outcome: ChatOutcome = { kind: 'goal', route: 'large', goal_id: goalId, status: end.kind === 'ended' ? end.status : 'running', proof: end.view.proof?.path ?? null };
  emitTo?.(outcome);
  return outcome;
}
