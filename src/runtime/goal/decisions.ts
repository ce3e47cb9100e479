import type { GoalScope } from './context.js';
import { record } from './context.js';
import { appendJsonLine } from './goal-dir.js';

/** A material choice: one line in decisions.jsonl and a `decision.recorded` event. */
export async function recordDecision(scope: GoalScope, topic: string, choice: string, reason: string): Promise<void> {
  await appendJsonLine(scope.dir.decisions, { ts: scope.rt.now().toISOString(), topic, choice, reason });
  await record(scope, 'decision.recorded', { topic, choice, reason });
}
