import type { GoalView } from '../app/goals/read.js';

/**
 * `/metrics` in the Prometheus text format (version 0.0.4): one scrape reads every goal's view. Gauges
 * for what is (goals and tasks by status, running agents), counters for what has happened (gate runs,
 * agent turns, tokens, dollars), labelled by repository so several machines and repositories can be
 * scraped into one place.
 */
export function renderMetrics(repo: string, views: readonly GoalView[]): string {
  const lines: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Record<string, string>, number]>): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}{${labelText({ repo, ...labels })}} ${formatValue(value)}`);
  };
  const count = <T>(items: readonly T[], key: (t: T) => string): Array<[Record<string, string>, number]> => {
    const by = new Map<string, number>();
    for (const i of items) by.set(key(i), (by.get(key(i)) ?? 0) + 1);
    return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => [{ status: k }, n]);
  };
  family('omk_goals', 'gauge', 'Goals by status.', count(views, (v) => v.status));
  const tasks = views.flatMap((v) => v.tasks);
  family('omk_tasks', 'gauge', 'Tasks of all goals by status.', count(tasks, (t) => t.status));
  family('omk_agents_running', 'gauge', 'Agents at work now.', [[{}, views.reduce((n, v) => n + v.workers.length, 0)]]);
  const gates = views.flatMap((v) => v.gates);
  family('omk_gate_runs_total', 'counter', 'Gate runs recorded, by result.', [
    [{ result: 'passed' }, gates.filter((g) => g.passed).length],
    [{ result: 'failed' }, gates.filter((g) => !g.passed).length],
  ]);
  family('omk_task_attempts_total', 'counter', 'Finished task attempts.', [[{}, tasks.reduce((n, t) => n + t.attempts, 0)]]);
  family('omk_agent_turns_total', 'counter', 'Agent turns with recorded cost.', [[{}, views.reduce((n, v) => n + v.cost.turns, 0)]]);
  family('omk_tokens_total', 'counter', 'Tokens used by agents.', [
    [{ direction: 'in' }, views.reduce((n, v) => n + v.cost.tokens_in, 0)],
    [{ direction: 'out' }, views.reduce((n, v) => n + v.cost.tokens_out, 0)],
  ]);
  family('omk_cost_usd_total', 'counter', 'Dollars spent by agents.', [[{}, views.reduce((n, v) => n + v.cost.usd, 0)]]);
  family('omk_events_total', 'counter', 'Events recorded in goal logs.', [[{}, views.reduce((n, v) => n + v.events, 0)]]);
  return `${lines.join('\n')}\n`;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join(',');
}

function formatValue(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(6);
}
