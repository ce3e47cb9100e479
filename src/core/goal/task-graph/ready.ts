import { isDeadTask } from '../status.js';
import type { TaskStatus } from '../../store/types.js';
import { writeSetsOverlap } from './overlap.js';
import type { TaskGraph } from './schema.js';

export interface ReadySelection {
  /** Queued tasks whose dependencies are all done, in graph order. */
  ready: string[];
  /** The ready tasks that may start now, in graph order: no write-set overlap with a running task or with each other. */
  runnable: string[];
  /** Ready tasks held back because they may write what a running (or an earlier runnable) task writes. */
  deferred: Array<{ task: string; conflictsWith: string }>;
  /** Queued tasks that can never become ready: a dependency failed or was cancelled. */
  stuck: Array<{ task: string; dependency: string; status: TaskStatus }>;
}

export interface SelectOptions {
  /** How many tasks may start now (max agents minus running ones). @default Infinity */
  slots?: number;
}


/**
 * Which tasks can run next. Pure: the scheduler passes the graph and each task's status (a task with no
 * status is `queued`); `leased` tasks are the running ones. Greedy in graph order, so the same input
 * always picks the same tasks.
 */
export function selectReadyTasks(
  graph: TaskGraph,
  statuses: ReadonlyMap<string, TaskStatus>,
  options: SelectOptions = {},
): ReadySelection {
  const status = (id: string): TaskStatus => statuses.get(id) ?? 'queued';
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const selection: ReadySelection = { ready: [], runnable: [], deferred: [], stuck: [] };
  const running = graph.tasks.filter((t) => status(t.id) === 'leased');
  const taken = [...running];
  let slots = options.slots ?? Number.POSITIVE_INFINITY;

  for (const task of graph.tasks) {
    if (status(task.id) !== 'queued') continue;
    const dead = task.depends_on.find((d) => byId.has(d) && isDeadTask(status(d)));
    if (dead !== undefined) {
      selection.stuck.push({ task: task.id, dependency: dead, status: status(dead) });
      continue;
    }
    if (!task.depends_on.every((d) => status(d) === 'done')) continue;
    selection.ready.push(task.id);
    const conflict = taken.find((other) => writeSetsOverlap(task.write_set, other.write_set));
    if (conflict !== undefined) {
      selection.deferred.push({ task: task.id, conflictsWith: conflict.id });
      continue;
    }
    if (slots <= 0) continue;
    selection.runnable.push(task.id);
    taken.push(task);
    slots -= 1;
  }
  return selection;
}
