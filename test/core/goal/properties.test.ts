import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fallbackPlan } from '../../../src/core/goal/fallback-plan.js';
import { assessIntake } from '../../../src/core/goal/intake/intake.js';
import { GATE_KINDS, type RepoFacts } from '../../../src/core/goal/intake/types.js';
import { validateTaskGraph } from '../../../src/core/goal/task-graph/validate.js';
import { selectReadyTasks } from '../../../src/core/goal/task-graph/ready.js';
import { writeSetsOverlap } from '../../../src/core/goal/task-graph/overlap.js';
import type { Task } from '../../../src/core/goal/task-graph/schema.js';
import type { TaskStatus } from '../../../src/core/store/types.js';
import { graph, task } from './fixtures.js';

/** A DAG: task i may depend only on tasks before it; write sets are disjoint directories. */
const dag = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc
    .tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, k) => k))))
    .map((depLists) =>
      depLists.map((deps, i) =>
        task(`t${i}`, {
          depends_on: deps.map((k) => `t${k}`),
          write_set: [`pkg${i}/**`, `docs/t${i}.md`],
          read_set: ['**'],
        }),
      ),
    ),
);

describe('task graph properties', () => {
  it('a DAG with disjoint write sets always validates', () => {
    fc.assert(
      fc.property(dag, (tasks) => {
        expect(validateTaskGraph(graph(tasks))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('adding a back edge always yields a cycle problem naming both ends', () => {
    const withPath = dag.filter((tasks) => tasks.some((t) => t.depends_on.length > 0));
    fc.assert(
      fc.property(withPath, fc.nat(), (tasks, pick) => {
        const from = tasks.filter((t) => t.depends_on.length > 0);
        const child = from[pick % from.length]!;
        const parent = child.depends_on[pick % child.depends_on.length]!;
        // child depends on parent; make parent depend on child too.
        const mutated: Task[] = tasks.map((t) => (t.id === parent ? { ...t, depends_on: [...t.depends_on, child.id] } : t));
        const problems = validateTaskGraph(graph(mutated));
        const cycles = problems.filter((p) => p.code === 'dependency_cycle');
        expect(problems.every((p) => p.code === 'dependency_cycle')).toBe(true);
        expect(cycles.length).toBeGreaterThanOrEqual(1);
        expect(cycles.some((p) => p.message.includes(parent) && p.message.includes(child.id))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('ready selection never runs two overlapping tasks together, nor a task before its dependencies', () => {
    const status = fc.constantFrom<TaskStatus>('queued', 'leased', 'done', 'failed');
    const overlapping = dag.chain((tasks) =>
      fc.tuple(
        fc.constant(tasks.map((t, i) => ({ ...t, depends_on: [...t.depends_on], write_set: i % 2 === 0 ? ['src/**'] : [`src/f${i}.ts`] }))),
        fc.array(status, { minLength: tasks.length, maxLength: tasks.length }),
      ),
    );
    fc.assert(
      fc.property(overlapping, ([tasks, statuses]) => {
        const g = graph(tasks);
        const map = new Map(tasks.map((t, i) => [t.id, statuses[i]!]));
        const r = selectReadyTasks(g, map);
        const byId = new Map(tasks.map((t) => [t.id, t]));
        const active = [...tasks.filter((t) => map.get(t.id) === 'leased'), ...r.runnable.map((id) => byId.get(id)!)];
        for (let i = 0; i < active.length; i += 1) {
          for (let j = i + 1; j < active.length; j += 1) {
            if (map.get(active[i]!.id) === 'leased' && map.get(active[j]!.id) === 'leased') continue;
            expect(writeSetsOverlap(active[i]!.write_set, active[j]!.write_set)).toBe(false);
          }
        }
        for (const id of r.runnable) expect(byId.get(id)!.depends_on.every((d) => map.get(d) === 'done')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('fallback plan properties', () => {
  const gate = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
    command: fc.string({ maxLength: 20 }),
    kind: fc.option(fc.constantFrom(...GATE_KINDS), { nil: undefined }),
  });
  const facts: fc.Arbitrary<RepoFacts> = fc.record({
    languages: fc.array(fc.constantFrom('typescript', 'python', 'rust'), { maxLength: 2 }),
    packageManagers: fc.array(fc.constantFrom('npm', 'pip', 'cargo'), { maxLength: 2 }),
    gates: fc.uniqueArray(gate, { maxLength: 6, selector: (g) => g.name }),
    hasTests: fc.boolean(),
  });
  const words = ['fix', 'crash', 'add', 'tests', 'docs', 'faster', 'security', 'migrate', 'refactor', 'new project', 'make it better', 'src/a.ts', '`x`', '{', '"'];
  const request = fc.oneof(fc.string({ maxLength: 80 }), fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((w) => w.join(' ')));

  it('always validates and is deterministic', () => {
    fc.assert(
      fc.property(request, facts, fc.option(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), { nil: undefined }), (req, repo, gates) => {
        const intake = assessIntake(gates === undefined ? { request: req, repo } : { request: req, repo, gates });
        const plan = fallbackPlan({ goalId: 'g-1', intake, repo });
        expect(validateTaskGraph(plan.graph, { knownGates: repo.gates.map((g) => g.name), goalId: 'g-1' })).toEqual([]);
        expect(JSON.stringify(fallbackPlan({ goalId: 'g-1', intake, repo }))).toBe(JSON.stringify(plan));
        if (!intake.testable) expect(intake.question).toBeTruthy();
      }),
      { numRuns: 300 },
    );
  });
});
