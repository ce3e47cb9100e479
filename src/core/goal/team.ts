import { OmkError } from '../errors.js';
import type { TaskGraph, TaskRole } from './task-graph/schema.js';

/**
 * `omk team run N:ROLE "TASK"`: a goal whose plan is a decomposition into at most N independent slices,
 * each worked by a ROLE agent, N at once (docs/goals.md, "Team runs").
 */

/** Task roles a team can have. A reviewer only reads, and a team's slices write: it is refused. */
export const TEAM_ROLES = ['executor', 'tester', 'documenter'] as const satisfies readonly TaskRole[];
export type TeamRole = (typeof TEAM_ROLES)[number];
/** The most workers a team run starts at once. */
export const MAX_TEAM_WORKERS = 16;

export interface TeamSpec {
  /** Agents at once, and the most slices the task is split into. */
  workers: number;
  role: TeamRole;
}

const FORM = `N:ROLE, with N from 1 to ${MAX_TEAM_WORKERS} and ROLE one of ${TEAM_ROLES.join(', ')} (e.g. 3:executor)`;

/** `3:executor` → `{workers: 3, role: 'executor'}`; anything else is a usage error naming the argument and the form. */
export function parseTeamSpec(text: string): TeamSpec {
  const bad = (why: string, hint = `write it as ${FORM}`): OmkError =>
    new OmkError('usage', `team run: bad N:ROLE argument ${JSON.stringify(text)}: ${why}`, { hint });
  const m = /^([^:]*):(.*)$/.exec(text.trim());
  if (!m) throw bad('expected N:ROLE');
  const count = m[1]!;
  const roleText = m[2]!;
  if (!/^\d+$/.test(count)) throw bad(`N must be a whole number, got ${JSON.stringify(count)}`);
  const workers = Number(count);
  if (workers < 1 || workers > MAX_TEAM_WORKERS) throw bad(`N must be from 1 to ${MAX_TEAM_WORKERS}, got ${workers}`);
  const role = roleText.trim().toLowerCase();
  if (role === 'reviewer') {
    throw bad('a reviewer team cannot write, and every slice of a team run writes', `use ${TEAM_ROLES.join(', ')}; every goal is reviewed anyway by the review wall before its verdict`);
  }
  if (!(TEAM_ROLES as readonly string[]).includes(role)) throw bad(`unknown role ${JSON.stringify(roleText)}`);
  return { workers, role: role as TeamRole };
}

/** The graph with every task given the team's role: the role is omk's to assign, not the decomposer's. */
export function withTeamRole(graph: TaskGraph, role: TeamRole): TaskGraph {
  return { ...graph, tasks: graph.tasks.map((t) => ({ ...t, role })) };
}

/** A team as goal.json or an intake event recorded it; undefined when absent or not a valid team. */
export function recordedTeamSpec(value: unknown): TeamSpec | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { workers, role } = value as { workers?: unknown; role?: unknown };
  if (typeof workers !== 'number' || typeof role !== 'string') return undefined;
  try {
    return parseTeamSpec(`${workers}:${role}`);
  } catch {
    return undefined;
  }
}
