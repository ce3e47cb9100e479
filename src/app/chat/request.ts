import { describeRoute, downgradeOf, PREFLIGHT_OPTIONS, preflightFor } from '../../core/chat/preflight.js';
import type { ChatOutcome, PreflightAnswer, Route, RouteDecision } from '../../core/chat/types.js';
import { describeError, isOmkError } from '../../core/errors.js';
import { askOnce } from '../ask.js';
import { answerRoute } from './routes/answer.js';
import { editRoute } from './routes/edit.js';
import { goalRoute } from './routes/goal.js';
import { planRoute } from './routes/plan.js';
import type { RouteRunner, RouteScope } from './routes/scope.js';
import { RouterCache } from './router-cache.js';
import { routeRequest } from './router.js';
import type { SessionCore } from './session-core.js';

const ROUTES: Record<Route, RouteRunner> = { trivial: answerRoute, small: editRoute, medium: planRoute, large: goalRoute };

const TARGET_MODE: Record<Route, string> = { trivial: 'answer', small: 'worker-edit', medium: 'planner-workers', large: 'goal-run' };

/** The router over this session's settings: the model is asked through a read-only `ask` turn. */
export function classify(core: SessionCore, text: string, signal: AbortSignal): Promise<RouteDecision> {
  const engine = core.settings.routerEngine ?? core.engine;
  return routeRequest(text, {
    cache: RouterCache.inStateDir(core.ctx.paths.stateDir, core.ctx.log),
    timeoutMs: core.settings.routerTimeoutMs,
    log: core.ctx.log,
    now: core.ctx.now,
    signal,
    ...(core.settings.useModel
      ? {
          askModel: async (prompt: string, s: AbortSignal) => {
            const answer = await askOnce(core.ctx, prompt, { ...(engine === undefined ? {} : { engine }), signal: s });
            core.emit({ type: 'cost', tokens_in: answer.json.usage.input, tokens_out: answer.json.usage.output, usd: answer.json.cost_usd ?? 0 });
            if (answer.json.error !== null) throw new Error(answer.json.error.message);
            return answer.json.text;
          },
        }
      : {}),
  });
}

/**
 * One request, start to end (docs/chat.md "A request"): cost caps, the route decision, the
 * question before acting when the rules ask for one, the route itself, and the outcome remembered.
 * Never throws: a failure is an outcome.
 */
export async function runRequest(core: SessionCore, text: string, forced: Route | undefined, signal: AbortSignal): Promise<ChatOutcome> {
  const firstPrompt = !core.conversation.some((e) => e.role === 'user');
  core.remember({ role: 'user', text });
  let outcome: ChatOutcome;
  try {
    outcome = await decideAndRun(core, text, forced, firstPrompt, signal);
  } catch (error) {
    const reason = isOmkError(error) && error.hint ? `${error.message} (${error.hint})` : describeError(error);
    outcome = signal.aborted ? { kind: 'cancelled', route: null, reason: 'cancelled' } : { kind: 'failed', route: null, reason };
  }
  core.emit({ type: 'result', outcome });
  core.remember({ role: 'assistant', text: describeOutcome(outcome), ...(outcome.route === null ? {} : { route: outcome.route }), ...(outcome.kind === 'goal' ? { goal_id: outcome.goal_id } : {}) });
  await core.saveMeta();
  return outcome;
}

async function decideAndRun(core: SessionCore, text: string, forced: Route | undefined, firstPrompt: boolean, signal: AbortSignal): Promise<ChatOutcome> {
  const { settings } = core;
  if (settings.softCapUsd !== undefined && !core.meta.soft_cap_warned && core.meta.cost.usd >= settings.softCapUsd) {
    core.meta.soft_cap_warned = true;
    core.emit({ type: 'warning', message: `this session has spent $${core.meta.cost.usd.toFixed(2)}, past the soft cap of $${settings.softCapUsd.toFixed(2)} ([chat] cost_soft_usd)` });
  }
  let decision: RouteDecision = forced ? { route: forced, confidence: 1, reason: `forced to ${describeRoute(forced)}`, source: 'forced', latency_ms: 0 } : await classify(core, text, signal);
  core.emit({ type: 'route', decision });
  core.publish({ type: 'classifier.decided', payload: { intent: decision.route, confidence: decision.confidence, latency_ms: decision.latency_ms, reasoning: decision.reason, cached: decision.source === 'cache', fallback: decision.source === 'fallback' } });

  if (decision.route !== 'trivial' && settings.hardCapUsd !== undefined && core.meta.cost.usd >= settings.hardCapUsd) {
    const reason = `hard cost cap reached: this session has spent $${core.meta.cost.usd.toFixed(2)} of $${settings.hardCapUsd.toFixed(2)} ([chat] cost_hard_usd)`;
    core.publish({ type: 'request.refused', payload: { reason, intent: decision.route } });
    return { kind: 'refused', route: decision.route, reason, fix: 'raise it (omk config set chat.cost_hard_usd N), or start a new session (/new); questions are still answered' };
  }

  const preflight = preflightFor(decision, text, firstPrompt, settings.rules);
  if (preflight !== null) {
    const { answer } = await core.ask({ kind: 'preflight', preflight: preflight.kind, question: preflight.question, options: PREFLIGHT_OPTIONS, timeout_ms: settings.askTimeoutMs, default: settings.askDefault }, signal);
    const resolved = resolvePreflight(decision, answer as PreflightAnswer);
    if (resolved.kind !== 'proceed') {
      if (resolved.kind === 'explain') core.emit({ type: 'info', lines: [`${describeRoute(decision.route)} because ${decision.reason} (${decision.source}, confidence ${Math.round(decision.confidence * 100)}%)`] });
      if (resolved.kind === 'refused') {
        core.publish({ type: 'request.refused', payload: { reason: resolved.reason, intent: decision.route } });
        return { kind: 'refused', route: decision.route, reason: resolved.reason, fix: 'ask for something smaller, or use /quick for a small edit' };
      }
      return { kind: 'cancelled', route: decision.route, reason: resolved.kind === 'explain' ? 'explained, not run: send it again (or /quick, /escalate) to run it' : 'cancelled before anything ran' };
    }
    decision = resolved.decision;
    if (decision.route !== 'trivial') core.publish({ type: 'router.escalated', payload: { intent: decision.route, target_mode: TARGET_MODE[decision.route], preflight: true, confidence: decision.confidence } });
    core.emit({ type: 'proceeding', route: decision.route, message: `→ ${describeRoute(decision.route)}, as you accepted` });
  } else if (decision.route !== 'trivial') {
    core.publish({ type: 'router.escalated', payload: { intent: decision.route, target_mode: TARGET_MODE[decision.route], preflight: false, confidence: decision.confidence } });
    core.emit({ type: 'proceeding', route: decision.route, message: `→ ${describeRoute(decision.route)} (confidence ${Math.round(decision.confidence * 100)}%): ${decision.reason}` });
  }
  const scope: RouteScope = { core, text, signal };
  return ROUTES[decision.route](scope);
}

type Resolved = { kind: 'proceed'; decision: RouteDecision } | { kind: 'explain' } | { kind: 'cancel' } | { kind: 'refused'; reason: string };

function resolvePreflight(decision: RouteDecision, answer: PreflightAnswer): Resolved {
  switch (answer) {
    case 'accept':
      return { kind: 'proceed', decision };
    case 'downgrade': {
      const lower = downgradeOf(decision.route);
      if (lower === null) return { kind: 'refused', reason: 'a small edit is already the smallest route that changes code' };
      return { kind: 'proceed', decision: { ...decision, route: lower, source: 'forced', reason: `downgraded from ${describeRoute(decision.route)}` } };
    }
    case 'explain':
      return { kind: 'explain' };
    case 'cancel':
      return { kind: 'cancel' };
  }
}

/** The assistant's line in the conversation for an outcome. */
export function describeOutcome(outcome: ChatOutcome): string {
  switch (outcome.kind) {
    case 'answered':
      return outcome.text;
    case 'diff_ready':
      return `edit ready on ${outcome.diff.branch}: ${outcome.diff.files.join(', ')}; gates ${outcome.diff.gates.length === 0 ? 'none' : outcome.diff.gates.map((g) => `${g.name} ${g.state}`).join(', ')}`;
    case 'no_change':
      return `no change: ${outcome.text}`;
    case 'goal':
      return `goal ${outcome.goal_id}: ${outcome.status}${outcome.proof ? ` (proof: ${outcome.proof})` : ''}`;
    case 'refused':
      return `refused: ${outcome.reason} — ${outcome.fix}`;
    case 'cancelled':
      return `cancelled: ${outcome.reason}`;
    case 'failed':
      return `failed: ${outcome.reason}`;
  }
}
