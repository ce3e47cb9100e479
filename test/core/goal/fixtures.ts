import type { RepoFacts, RepoGate } from '../../../src/core/goal/intake/types.js';
import type { Task, TaskGraph } from '../../../src/core/goal/task-graph/schema.js';

export const TS_GATES: RepoGate[] = [
  { name: 'test', command: 'npx vitest run' },
  { name: 'typecheck', command: 'npx tsc --noEmit' },
  { name: 'lint', command: 'npx eslint .' },
];

export function repo(gates: RepoGate[] = TS_GATES, extra: Partial<RepoFacts> = {}): RepoFacts {
  return { languages: ['typescript'], packageManagers: ['npm'], hasTests: true, gates, ...extra };
}

export const EMPTY_REPO: RepoFacts = { languages: [], packageManagers: [], gates: [], hasTests: false };

/** A valid task with defaults filled in; override what a test is about. */
export function task(id: string, over: Partial<Task> = {}): Task {
  return {
    id,
    title: `Task ${id}`,
    description: `Do ${id}.`,
    role: 'executor',
    depends_on: [],
    read_set: [],
    write_set: [`src/${id}/**`],
    acceptance: ['tests pass'],
    risk: 'medium',
    max_retries: 2,
    gates: [],
    ...over,
  };
}

export function graph(tasks: Task[], goalId = 'g1'): TaskGraph {
  return { version: 1, goal_id: goalId, tasks };
}
