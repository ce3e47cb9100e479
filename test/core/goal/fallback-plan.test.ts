import { describe, expect, it } from 'vitest';
import { fallbackPlan } from '../../../src/core/goal/fallback-plan.js';
import { assessIntake } from '../../../src/core/goal/intake/intake.js';
import { GOAL_TYPES, type RepoFacts } from '../../../src/core/goal/intake/types.js';
import { validateTaskGraph } from '../../../src/core/goal/task-graph/validate.js';
import { EMPTY_REPO, repo, TS_GATES } from './fixtures.js';

const R = repo([...TS_GATES, { name: 'bench', command: 'node bench.js' }]);
const known = (facts: RepoFacts) => ({ knownGates: facts.gates.map((g) => g.name), goalId: 'g-1' });

describe('fallback plan', () => {
  it('one executor task over the repository, accepted by the oracle gates', () => {
    const intake = assessIntake({ request: 'Fix the crash when the config file is empty', repo: R });
    const plan = fallbackPlan({ goalId: 'g-1', intake, repo: R });
    expect(plan.graph).toEqual({
      version: 1,
      goal_id: 'g-1',
      tasks: [
        expect.objectContaining({
          id: 'fix-bug',
          title: 'Fix: Fix the crash when the config file is empty',
          role: 'executor',
          write_set: ['**'],
          gates: ['test', 'typecheck'],
          acceptance: ['A regression test that fails without the fix is added and passes with it.', 'Gate `test` passes.', 'Gate `typecheck` passes.'],
        }),
      ],
    });
    expect(plan.graph.tasks[0]!.description).toContain('> Fix the crash when the config file is empty');
    expect(validateTaskGraph(plan.graph, known(R))).toEqual([]);
  });

  it('a tests goal gets a tester task; docs without a docs gate need a human', () => {
    const tests = fallbackPlan({ goalId: 'g-1', repo: R, intake: assessIntake({ request: 'Write unit tests for src/core/bus.ts', repo: R }) });
    expect(tests.graph.tasks[0]).toMatchObject({ id: 'write-tests', role: 'tester', risk: 'low' });
    const bare = repo([TS_GATES[0]!]);
    const docs = fallbackPlan({ goalId: 'g-1', repo: bare, intake: assessIntake({ request: 'Update the README with install steps', repo: bare }) });
    expect(docs.graph.tasks[0]).toMatchObject({ id: 'update-docs', role: 'documenter', gates: [] });
    expect(docs.graph.tasks[0]!.acceptance).toContain('A human reviewer confirms the change is accurate and complete.');
    expect(docs.testSpec).toContain('Required: no gate can judge this goal.');
  });

  it('writes the three documents with the request verbatim', () => {
    const request = 'Add a --json flag to `omk goal status`\n\nso scripts can read it';
    const plan = fallbackPlan({ goalId: 'g-1', repo: R, intake: assessIntake({ request, repo: R }) });
    expect(plan.prd).toContain('> Add a --json flag to `omk goal status`\n>\n> so scripts can read it');
    expect(plan.prd).toMatch(/^# PRD: Add a --json flag to `omk goal status` so scripts can read…\n/);
    expect(plan.technicalPlan).toContain('| implement-feature | executor | medium | — | `**` | `test`, `typecheck`, `lint` |');
    expect(plan.testSpec).toContain('| test | `npx vitest run` |');
    expect(plan.prd).toContain('## Open questions\n\n- None.');
  });

  it('keeps the open question of an untestable goal, and drops gates that are not configured', () => {
    const intake = assessIntake({ request: 'Speed up the startup', repo: EMPTY_REPO, gates: ['perf'] });
    const plan = fallbackPlan({ goalId: 'g-1', repo: EMPTY_REPO, intake: { ...intake, testable: false, question: 'How fast?' } });
    expect(plan.prd).toContain('- How fast?');
    expect(plan.graph.tasks[0]!.gates).toEqual([]);
    expect(plan.testSpec).toContain('Not configured, so not run: perf.');
    expect(validateTaskGraph(plan.graph, known(EMPTY_REPO))).toEqual([]);
  });

  it.each(GOAL_TYPES)('a %s plan validates and is byte-for-byte deterministic', (type) => {
    const intake = { ...assessIntake({ request: 'Do the thing in src/a.ts', repo: R }), type };
    const a = fallbackPlan({ goalId: 'g-1', intake, repo: R });
    const b = fallbackPlan({ goalId: 'g-1', intake: structuredClone(intake), repo: structuredClone(R) });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(validateTaskGraph(a.graph, known(R))).toEqual([]);
  });

  it('shortens long requests for titles at a word boundary', () => {
    const request = `Implement ${'very '.repeat(30)}long feature`;
    const plan = fallbackPlan({ goalId: 'g-1', repo: R, intake: assessIntake({ request, repo: R }) });
    const title = plan.graph.tasks[0]!.title;
    expect(title.endsWith('very…')).toBe(true);
    expect(title.length).toBeLessThan(80);
  });
});
