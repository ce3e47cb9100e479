import type { WorkerView } from '../goal/view/goal-view.js';
import type { LiveMessage } from './feed.js';

/** The longest activity line kept (a tool call's title or command). */
const ACTIVITY_MAX = 200;

function key(m: Pick<LiveMessage, 'goal_id' | 'task_id' | 'attempt' | 'owner'>): string {
  return `${m.goal_id}\0${m.task_id ?? ''}\0${m.attempt ?? 0}\0${m.owner}`;
}

/**
 * The running agents as live messages tell them: an attempt appears on `attempt started`, is
 * updated by heartbeats, tool calls, denials and usage, and disappears on `attempt ended`. Used by
 * the process that runs the agents (to answer "who is working now") and by any subscriber.
 */
export class LiveWorkers {
  private readonly byKey = new Map<string, WorkerView & { goal_id: string }>();

  apply(m: LiveMessage): void {
    if (m.task_id === null || m.attempt === null) return;
    const k = key(m);
    const a = m.activity;
    if (a.kind === 'attempt') {
      if (a.state === 'ended') this.byKey.delete(k);
      else this.byKey.set(k, { goal_id: m.goal_id, task_id: m.task_id, attempt: m.attempt, owner: m.owner, engine: a.engine, started_at: m.ts, heartbeat_at: m.ts, activity: null, activity_at: null, tokens: 0, usd: 0 });
      return;
    }
    const w = this.byKey.get(k);
    if (!w) return;
    if (a.kind === 'heartbeat') w.heartbeat_at = m.ts;
    else if (a.kind === 'tool_call' && a.status === 'started') {
      w.activity = `${a.tool}: ${(a.command ?? a.title).replace(/\s+/g, ' ')}`.slice(0, ACTIVITY_MAX);
      w.activity_at = m.ts;
    } else if (a.kind === 'approval' && a.decision === 'deny') {
      w.activity = `denied ${a.tool}${a.rule ? ` [${a.rule}]` : ''}`.slice(0, ACTIVITY_MAX);
      w.activity_at = m.ts;
    } else if (a.kind === 'usage') {
      w.tokens = a.tokens_in + a.tokens_out;
      w.usd = a.usd ?? 0;
    }
  }

  /** The goal's running agents, oldest first (all goals' when `goalId` is undefined). */
  list(goalId?: string): WorkerView[] {
    const out: WorkerView[] = [];
    for (const w of this.byKey.values()) {
      if (goalId !== undefined && w.goal_id !== goalId) continue;
      const { goal_id: _goal, ...view } = w;
      out.push(view);
    }
    return out;
  }

  /** Attempts started before `now - ms` with no heartbeat since: their process stopped reporting. */
  dropSilent(olderThan: string): void {
    for (const [k, w] of this.byKey) if (w.heartbeat_at < olderThan) this.byKey.delete(k);
  }
}
