import { performance } from 'node:perf_hooks';
import { heuristicRoute } from '../../core/chat/heuristic.js';
import { parseModelAnswer, routerPrompt } from '../../core/chat/model-answer.js';
import type { Route, RouteDecision } from '../../core/chat/types.js';
import type { Logger } from '../../runtime/logger.js';
import type { RouterCache } from './router-cache.js';

/**
 * The router (docs/chat.md "Router"): the heuristic first; when it cannot decide, the model
 * (read-only, one JSON object, validated), cached by normalised request; when the model fails,
 * times out or answers garbage, the heuristic's best guess (`fallback`).
 */
export interface RouterDeps {
  /** One read-only model turn: the text it answered. Rejects or returns garbage on failure. */
  askModel?: (prompt: string, signal: AbortSignal) => Promise<string>;
  cache: RouterCache;
  /** How long the model may take. */
  timeoutMs: number;
  log: Logger;
  now: () => Date;
  signal?: AbortSignal;
}

/** When nothing decides: a small edit, which never writes without the user's accept. */
const FALLBACK: { route: Route; confidence: number } = { route: 'small', confidence: 0.5 };

export async function routeRequest(text: string, deps: RouterDeps): Promise<RouteDecision> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const heuristic = heuristicRoute(text);
  if (heuristic !== null) return { ...heuristic, source: 'heuristic', latency_ms: elapsed() };

  const cached = await deps.cache.get(text);
  if (cached !== undefined) return { route: cached.route, confidence: cached.confidence, reason: cached.reason, source: 'cache', latency_ms: 0 };

  let problem = 'the router is set to the heuristic only ([chat] router = "heuristic")';
  if (deps.askModel !== undefined) {
    const timeout = AbortSignal.timeout(deps.timeoutMs);
    const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
    try {
      const answer = parseModelAnswer(await deps.askModel(routerPrompt(text), signal));
      if (answer.ok) {
        const decision: RouteDecision = { route: answer.route, confidence: answer.confidence, reason: answer.reason, source: 'model', latency_ms: elapsed() };
        await deps.cache.put(text, { route: answer.route, confidence: answer.confidence, reason: answer.reason, at: deps.now().toISOString() });
        return decision;
      }
      problem = `the model's answer was unusable: ${answer.problem}`;
    } catch (error) {
      problem = timeout.aborted ? `the model did not answer within ${deps.timeoutMs} ms` : `the model failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    deps.log.warn(`router: ${problem}; using the heuristic`);
  }
  return { ...FALLBACK, reason: `no clear signal in the request (${problem})`, source: 'fallback', latency_ms: elapsed() };
}
