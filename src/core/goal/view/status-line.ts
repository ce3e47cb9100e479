import { ageText } from '../../format/age.js';
import type { GoalView } from './goal-view.js';

/**
 * One line for a terminal (watch, the REPL's collapsed pane): status, every running agent with what it
 * is doing now — so a parallel run never looks idle — tasks done, the last gate, cost, events.
 */
export function viewStatusLine(view: GoalView, now: Date): string {
  const parts = [`status ${view.status}${view.round > 1 ? ` (round ${view.round})` : ''}`];
  for (const t of view.tasks.filter((x) => x.running !== null)) {
    const w = view.workers.find((v) => v.task_id === t.id && v.attempt === t.running);
    parts.push(`${t.id}#${t.running}${w ? ` ${w.activity ?? 'starting'} (hb ${ageText(w.heartbeat_at, now)}, ${w.tokens} tok)` : ''}`);
  }
  const done = view.tasks.filter((t) => t.status === 'done').length;
  if (view.tasks.length > 0) parts.push(`${done}/${view.tasks.length} task(s) done`);
  for (const g of view.gates_running) parts.push(`gate ${g.gate} running`);
  const gate = view.gates.at(-1);
  if (gate) parts.push(`last gate ${gate.gate} ${gate.passed ? 'PASS' : 'FAIL'}`);
  parts.push(`cost $${view.cost.usd.toFixed(4)}`);
  parts.push(`${view.events} event(s)`);
  return parts.join(' · ');
}
