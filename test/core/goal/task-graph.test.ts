import { describe, expect, it } from 'vitest';
import { formatProblemsForPlanner, GRAPH_PROBLEM_CODES, type GraphProblemCode } from '../../../src/core/goal/task-graph/problems.js';
import { parseTaskGraph, parseTaskGraphJson, type Task } from '../../../src/core/goal/task-graph/schema.js';
import { checkTaskGraph, validateTaskGraph, type ValidateOptions } from '../../../src/core/goal/task-graph/validate.js';
import { graph, task } from './fixtures.js';

describe('task-graph.json schema', () => {
  it('fills defaults and drops unknown keys', () => {
    const r = parseTaskGraph({ version: 1, goal_id: 'g1', tasks: [{ id: 'a', title: 'A', description: 'd', acceptance: ['x'], notes: 'hi' }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.tasks[0]).toEqual({
      id: 'a', title: 'A', description: 'd', acceptance: ['x'],
      role: 'executor', depends_on: [], read_set: [], write_set: [], risk: 'medium', max_retries: 2, gates: [],
    });
  });

  it('names the path of every wrong field', () => {
    const r = parseTaskGraph({
      version: 1,
      goal_id: 'g1',
      tasks: [task('a'), task('b'), { ...task('c'), write_set: ['src/**', 7], risk: 'extreme', max_retries: -1 }, { id: 'd' }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.problems.map((p) => `${p.path}: ${p.message}`);
    expect(lines).toContain('tasks[2].write_set[1]: expected string, found 7');
    expect(lines.some((l) => l.startsWith('tasks[2].risk: expected one of "low"|"medium"|"high"'))).toBe(true);
    expect(lines.some((l) => l.startsWith('tasks[2].max_retries: ') && l.endsWith('found -1'))).toBe(true);
    expect(lines).toContain('tasks[3].title: expected string, found nothing (the key is missing)');
    expect(r.problems.every((p) => p.code === 'schema')).toBe(true);
    expect(r.problems.find((p) => p.path === 'tasks[2].risk')?.task).toBe('c');
  });

  it('rejects another version and a missing goal id at the root paths', () => {
    const r = parseTaskGraph({ version: 2, goal_id: '', tasks: {} });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toEqual(['version', 'goal_id', 'tasks']);
  });

  it('reports text that is not JSON', () => {
    const r = parseTaskGraphJson('{"version": 1, ');
    expect(r).toMatchObject({ ok: false, problems: [{ code: 'invalid_json', path: '(root)' }] });
    expect(parseTaskGraphJson('[]')).toMatchObject({ ok: false, problems: [{ code: 'schema', path: '(root)' }] });
  });
});

// One minimal failing graph per code: [code, tasks, options, expected path].
const CASES: Array<[GraphProblemCode, Task[], ValidateOptions, string]> = [
  ['goal_id_mismatch', [task('a')], { goalId: 'other' }, 'goal_id'],
  ['no_tasks', [], {}, 'tasks'],
  ['too_many_tasks', [task('a'), task('b'), task('c')], { maxTasks: 2 }, 'tasks'],
  ['invalid_id', [task('Bad_ID')], {}, 'tasks[0].id'],
  ['duplicate_id', [task('a'), task('a', { write_set: ['lib/**'], depends_on: [] })], {}, 'tasks[1].id'],
  ['empty_title', [task('a', { title: '  ' })], {}, 'tasks[0].title'],
  ['empty_description', [task('a', { description: '' })], {}, 'tasks[0].description'],
  ['empty_acceptance', [task('a', { acceptance: [] })], {}, 'tasks[0].acceptance'],
  ['missing_dependency', [task('a', { depends_on: ['ghost'] })], {}, 'tasks[0].depends_on[0]'],
  ['self_dependency', [task('a', { depends_on: ['a'] })], {}, 'tasks[0].depends_on[0]'],
  ['dependency_cycle', [task('a', { depends_on: ['b'] }), task('b', { depends_on: ['a'] })], {}, 'tasks[0].depends_on'],
  ['invalid_glob', [task('a', { write_set: ['src/{a,b'] })], {}, 'tasks[0].write_set[0]'],
  ['path_escapes_repo', [task('a', { write_set: ['../other/**'] })], {}, 'tasks[0].write_set[0]'],
  ['protected_path', [task('a', { write_set: ['.git/hooks/**'] })], {}, 'tasks[0].write_set[0]'],
  ['reviewer_writes', [task('a', { role: 'reviewer' })], {}, 'tasks[0].write_set'],
  ['unknown_gate', [task('a', { gates: ['tset'] })], { knownGates: ['test'] }, 'tasks[0].gates[0]'],
  ['write_overlap', [task('a', { write_set: ['src/**'] }), task('b', { write_set: ['src/b.ts'] })], {}, 'tasks[1].write_set'],
  ['not_independent', [task('a', { write_set: ['a/**'] }), task('b', { write_set: ['b/**'], depends_on: ['a'] })], { independent: true }, 'tasks[1].depends_on[0]'],
];

describe('task graph validation', () => {
  it.each(CASES)('%s', (code, tasks, options, path) => {
    const problems = validateTaskGraph(graph(tasks), options);
    expect(problems.map((p) => p.code)).toEqual([code]);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message.length).toBeGreaterThan(10);
  });

  it('has a case for every graph code (proposal-only codes are tested with proposals)', () => {
    const proposalOnly = ['invalid_json', 'schema', 'malformed_proposal', 'id_exists', 'publish_forbidden', 'dependency_unusable'];
    const covered = new Set(CASES.map(([c]) => c));
    expect(GRAPH_PROBLEM_CODES.filter((c) => !covered.has(c) && !proposalOnly.includes(c))).toEqual([]);
  });

  it('a valid graph has no problem', () => {
    const g = graph([
      task('api', { write_set: ['src/api/**'] }),
      task('ui', { write_set: ['src/ui/**'] }),
      task('wire', { write_set: ['src/**'], depends_on: ['api', 'ui'] }),
    ]);
    expect(validateTaskGraph(g, { knownGates: [] })).toEqual([]);
    expect(checkTaskGraph(g)).toEqual({ ok: true, graph: g });
  });

  it('reports every problem, not only the first', () => {
    const problems = validateTaskGraph(
      graph([
        task('a', { title: '', acceptance: [''], write_set: ['/etc/**', '.omk/x'] }),
        task('a', { depends_on: ['zzz'], gates: ['nope'] }),
      ]),
      { knownGates: ['test'] },
    );
    expect(problems.map((p) => `${p.code} ${p.path}`)).toEqual([
      'empty_title tasks[0].title',
      'empty_acceptance tasks[0].acceptance[0]',
      'path_escapes_repo tasks[0].write_set[0]',
      'protected_path tasks[0].write_set[1]',
      'unknown_gate tasks[1].gates[0]',
      'duplicate_id tasks[1].id',
      'missing_dependency tasks[1].depends_on[0]',
    ]);
  });

  it('reports the cycle path', () => {
    const problems = validateTaskGraph(
      graph([
        task('setup'),
        task('a', { depends_on: ['setup', 'c'] }),
        task('b', { depends_on: ['a'] }),
        task('c', { depends_on: ['b'] }),
      ]),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('a -> c -> b -> a');
    expect(problems[0]!.task).toBe('a');
  });

  it('ordered tasks may share write sets, transitively', () => {
    const tasks = [task('a', { write_set: ['src/**'] }), task('b', { write_set: ['docs/**'], depends_on: ['a'] }), task('c', { write_set: ['src/x.ts'], depends_on: ['b'] })];
    expect(validateTaskGraph(graph(tasks))).toEqual([]);
  });

  it.each([
    ['C:/repo/x', 'path_escapes_repo'],
    ['~/notes', 'path_escapes_repo'],
    ['src/../../x', 'path_escapes_repo'],
    ['!src/**', 'invalid_glob'],
    ['src\\a.ts', 'invalid_glob'],
    [' src/**', 'invalid_glob'],
    ['', 'invalid_glob'],
    ['src/[ab.ts', 'invalid_glob'],
    ['.omk/**', 'protected_path'],
    ['pkg/.git/config', 'protected_path'],
    ['.g*/**', 'protected_path'],
  ])('write glob %j → %s', (glob, code) => {
    expect(validateTaskGraph(graph([task('a', { write_set: [glob] })])).map((p) => p.code)).toEqual([code]);
  });

  it('`**` and .github are writable in a graph (protected paths are excluded from every scope anyway)', () => {
    expect(validateTaskGraph(graph([task('a', { write_set: ['**', '.github/workflows/ci.yml'] })]))).toEqual([]);
  });

  it('formats problems for the planner, numbered, with code and path', () => {
    const problems = validateTaskGraph(graph([task('a', { depends_on: ['a'] }), task('B')]));
    const text = formatProblemsForPlanner(problems);
    expect(text.split('\n')).toEqual([
      'The task graph has 2 problems. Fix every one and answer with the complete, corrected task-graph.json (JSON only):',
      `1. [self_dependency] tasks[0].depends_on[0]: ${problems[0]!.message}`,
      `2. [invalid_id] tasks[1].id: ${problems[1]!.message}`,
    ]);
    expect(formatProblemsForPlanner([])).toBe('The task graph is valid.');
    const many = Array.from({ length: 5 }, () => problems[0]!);
    expect(formatProblemsForPlanner(many, 2)).toContain('… and 3 more');
  });
});
