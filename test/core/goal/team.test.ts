import { describe, expect, it } from 'vitest';
import { decomposePrompt, TEAM_MARKER } from '../../../src/core/goal/controller/prompts.js';
import { assessIntake } from '../../../src/core/goal/intake/intake.js';
import { MAX_TEAM_WORKERS, parseTeamSpec, recordedTeamSpec, withTeamRole } from '../../../src/core/goal/team.js';
import { validateTaskGraph } from '../../../src/core/goal/task-graph/validate.js';
import { isOmkError } from '../../../src/core/errors.js';
import { EMPTY_REPO, graph, repo, task } from './fixtures.js';

function usage(spec: string): { message: string; hint: string } {
  try {
    parseTeamSpec(spec);
  } catch (error) {
    if (isOmkError(error) && error.code === 'usage') return { message: error.message, hint: error.hint ?? '' };
    throw error;
  }
  throw new Error(`${spec} was accepted`);
}

describe('team N:ROLE', () => {
  it('parses N:ROLE (N 1..16; executor, tester, documenter)', () => {
    expect(parseTeamSpec('3:executor')).toEqual({ workers: 3, role: 'executor' });
    expect(parseTeamSpec('1:tester')).toEqual({ workers: 1, role: 'tester' });
    expect(parseTeamSpec(`${MAX_TEAM_WORKERS}:Documenter`)).toEqual({ workers: MAX_TEAM_WORKERS, role: 'documenter' });
  });

  it.each([
    ['0:executor', 'N must be from 1 to 16, got 0'],
    ['17:executor', 'N must be from 1 to 16, got 17'],
    ['x:executor', 'N must be a whole number, got "x"'],
    ['2.5:executor', 'N must be a whole number, got "2.5"'],
    ['3:wizard', 'unknown role "wizard"'],
    ['3:', 'unknown role ""'],
    ['3', 'expected N:ROLE'],
    ['executor', 'expected N:ROLE'],
  ])('%s is a usage error naming the argument and the accepted form', (spec, why) => {
    const e = usage(spec);
    expect(e.message).toBe(`team run: bad N:ROLE argument ${JSON.stringify(spec)}: ${why}`);
    expect(e.hint).toContain('N:ROLE, with N from 1 to 16 and ROLE one of executor, tester, documenter');
  });

  it('refuses a reviewer team: reviewers cannot write', () => {
    const e = usage('2:reviewer');
    expect(e.message).toContain('a reviewer team cannot write');
    expect(e.hint).toContain('review wall');
  });

  it('reads a recorded team back, ignoring anything malformed', () => {
    expect(recordedTeamSpec({ workers: 2, role: 'tester' })).toEqual({ workers: 2, role: 'tester' });
    for (const bad of [null, undefined, 'x', { workers: 0, role: 'tester' }, { workers: 2, role: 'reviewer' }, { workers: '2', role: 'tester' }]) {
      expect(recordedTeamSpec(bad)).toBeUndefined();
    }
  });

  it('gives every task the team role', () => {
    const g = withTeamRole(graph([task('a', { role: 'documenter' }), task('b')]), 'tester');
    expect(g.tasks.map((t) => t.role)).toEqual(['tester', 'tester']);
  });
});

describe('independent slices (a team decomposition)', () => {
  it('reports dependencies and overlaps even between dependent tasks, with advice that fits a team', () => {
    const g = graph([task('a', { write_set: ['src/**'] }), task('b', { write_set: ['src/b.ts'], depends_on: ['a'] })]);
    expect(validateTaskGraph(g)).toEqual([]);
    const problems = validateTaskGraph(g, { independent: true });
    expect(problems.map((p) => `${p.code} ${p.path}`)).toEqual(['not_independent tasks[1].depends_on[0]', 'write_overlap tasks[1].write_set']);
    expect(problems[1]!.message).toContain('must have disjoint write sets');
    expect(problems[1]!.message).not.toContain('add a dependency');
  });

  it('bounds the number of slices by maxTasks', () => {
    const g = graph([task('a'), task('b'), task('c')]);
    expect(validateTaskGraph(g, { independent: true, maxTasks: 2 }).map((p) => p.code)).toEqual(['too_many_tasks']);
  });
});

describe('intake without questions (askQuestions: false)', () => {
  it('a vague request stays testable, with the reason in the oracle rationale', () => {
    const asked = assessIntake({ request: 'make it better', repo: repo() });
    expect(asked.testable).toBe(false);
    const team = assessIntake({ request: 'make it better', repo: repo(), askQuestions: false });
    expect(team.testable).toBe(true);
    expect(team.question).toBeUndefined();
    expect(team.oracle.rationale).toContain('no question asked');
  });

  it('a repository without a test gate: no question, an oracle without gates (the proof will say not ready)', () => {
    const team = assessIntake({ request: 'fix the crash in parse() when the input is empty', repo: EMPTY_REPO, askQuestions: false });
    expect(team).toMatchObject({ testable: true, oracle: { gates: [] } });
    expect(team.question).toBeUndefined();
  });
});

describe('decomposePrompt', () => {
  it('asks for at most N independent slices of ROLE, and carries the problems on a re-ask', () => {
    const intake = assessIntake({ request: 'add a --verbose flag to every subcommand', repo: repo() });
    const base = { goalId: 'g-1', intake, repo: repo(), knownGates: ['test'], workers: 3, role: 'tester' };
    const first = decomposePrompt(base);
    expect(first.startsWith(`${TEAM_MARKER} for goal g-1: split into at most 3 slice(s) for tester agents.`)).toBe(true);
    expect(first).toContain('> add a --verbose flag to every subcommand');
    expect(first).toContain('must be disjoint');
    expect(first).toContain('"role" is "tester"');
    expect(first).not.toContain('rejected');
    expect(decomposePrompt({ ...base, problems: '1. [write_overlap] tasks[1].write_set: …' })).toContain('Your previous answer was rejected');
  });
});
