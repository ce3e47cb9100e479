/** The task graph: schema, validation, glob overlap, ready-task selection (docs/task-graph.md). */
export { ancestorMap, dependencyMap, findCycles, ordered } from './deps.js';
export { globFault, globMatches, inWriteScope, isProtectedPath, normalizeGlob, PROTECTED_DIRS, targetsProtected } from './globs.js';
export type { GlobFault, ProtectedMode } from './globs.js';
export { globsMayOverlap, overlappingGlobs, writeSetsOverlap } from './overlap.js';
export { describeProblem, formatPath, formatProblemsForPlanner, GRAPH_PROBLEM_CODES, problem } from './problems.js';
export type { GraphProblem, GraphProblemCode } from './problems.js';
export { selectReadyTasks } from './ready.js';
export type { ReadySelection, SelectOptions } from './ready.js';
export {
  DEFAULT_MAX_RETRIES,
  parseTaskGraph,
  parseTaskGraphJson,
  parseWith,
  TASK_GRAPH_VERSION,
  TASK_RISKS,
  TASK_ROLES,
  taskGraphSchema,
  taskSchema,
} from './schema.js';
export type { ParseResult, Task, TaskGraph, TaskInput, TaskRisk, TaskRole } from './schema.js';
export { checkTask, checkTaskGraph, DEFAULT_MAX_TASKS, validateTaskGraph } from './validate.js';
export type { CheckResult, TaskCheckOptions, ValidateOptions } from './validate.js';
