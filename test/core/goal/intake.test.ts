import { describe, expect, it } from 'vitest';
import { assessIntake } from '../../../src/core/goal/intake/intake.js';
import { classifyGoal, heuristicClassifier } from '../../../src/core/goal/intake/classify.js';
import { gateKind } from '../../../src/core/goal/intake/gate-kinds.js';
import { normalizeRequest, wordCount } from '../../../src/core/goal/intake/normalize.js';
import { pickOracle } from '../../../src/core/goal/intake/oracle.js';
import { EMPTY_QUESTION, VAGUE_QUESTION } from '../../../src/core/goal/intake/testability.js';
import { GOAL_TYPES, type GoalType } from '../../../src/core/goal/intake/types.js';
import { EMPTY_REPO, repo, TS_GATES } from './fixtures.js';

const R = repo();

// [prompt, expected type] — clear requests: confidence at least 0.6.
const CLEAR: Array<[string, GoalType]> = [
  ['Fix the crash when the config file is empty', 'bugfix'],
  ['The login page returns 500 when the password is empty', 'bugfix'],
  ['omk goal status crashes with a TypeError when no goal exists', 'bugfix'],
  ['Bug: dates are off by one in the weekly report', 'bugfix'],
  ['Add a --json flag to omk goal status', 'feature'],
  ['Users should be able to export reports as PDF', 'feature'],
  ['Implement a new endpoint GET /api/users/:id/avatar', 'feature'],
  ['Refactor the payment module into smaller files without changing behaviour', 'refactor'],
  ['Rename getUser to fetchUser across the codebase', 'refactor'],
  ['clean up the user service', 'refactor'],
  ['Migrate the tests from jest to vitest', 'migration'],
  ['Rewrite the CLI parser in TypeScript', 'migration'],
  ['Port the Python scraper to Rust', 'migration'],
  ['Upgrade React to 19', 'migration'],
  ['Replace moment with date-fns', 'migration'],
  ['Write unit tests for src/core/bus.ts', 'tests'],
  ['Increase test coverage of the parser to 90%', 'tests'],
  ['Add integration tests for the HTTP server', 'tests'],
  ['Update the README with installation instructions', 'docs'],
  ['Document the config keys in docs/config.md', 'docs'],
  ['Add JSDoc comments to the public API', 'docs'],
  ['Make the search endpoint faster; p95 latency is 800ms', 'performance'],
  ['Reduce memory usage of the indexer', 'performance'],
  ['Optimize the SQL queries in the reports page', 'performance'],
  ['Harden the upload handler against path traversal', 'security'],
  ['Audit the dependencies for known vulnerabilities', 'security'],
  ['Create a new CLI tool from scratch that converts CSV to JSON', 'greenfield'],
  ['Scaffold a new project for a todo app', 'greenfield'],
];

// Requests that speak for two types: either is acceptable, but confidence must be low.
const AMBIGUOUS: Array<[string, GoalType[]]> = [
  ['Fix the XSS vulnerability in the comment form', ['security', 'bugfix']],
  ['Fix the flaky test in test/cli/run.test.ts', ['bugfix', 'tests']],
  ['Add tests for the login bug fix', ['tests', 'bugfix']],
  ['Add rate limiting to the API', ['feature', 'security']],
  ['Speed up the test suite', ['performance', 'tests']],
  ['Refactor the parser for performance', ['refactor', 'performance']],
];

describe('classification', () => {
  it.each(CLEAR)('%s → %s', (prompt, type) => {
    const c = classifyGoal(normalizeRequest(prompt), R);
    expect(c.type).toBe(type);
    expect(c.confidence).toBeGreaterThanOrEqual(0.6);
    expect(c.signals.some((s) => s.type === type)).toBe(true);
  });

  it.each(AMBIGUOUS)('%s is ambiguous', (prompt, types) => {
    const c = classifyGoal(normalizeRequest(prompt), R);
    expect(types).toContain(c.type);
    expect(c.confidence).toBeLessThan(0.6);
    expect(new Set(c.signals.map((s) => s.type)).size).toBeGreaterThanOrEqual(2);
  });

  it('covers every goal type', () => {
    expect(new Set(CLEAR.map(([, t]) => t))).toEqual(new Set(GOAL_TYPES));
    expect(CLEAR.length + AMBIGUOUS.length).toBeGreaterThanOrEqual(30);
  });

  it('falls back to feature with the floor confidence when nothing matches', () => {
    const c = classifyGoal('dark mode for the settings page', R);
    expect(c).toMatchObject({ type: 'feature', confidence: 0.2, signals: [] });
  });

  it('an empty repository is a greenfield signal', () => {
    const c = classifyGoal('a todo list with due dates', EMPTY_REPO);
    expect(c.type).toBe('greenfield');
    expect(c.signals).toEqual([expect.objectContaining({ rule: 'empty-repository', type: 'greenfield' })]);
  });

  it('reports signals in text order with their matched text', () => {
    const c = classifyGoal('fix the crash, then add a test', R);
    expect(c.signals.map((s) => s.match)).toEqual(['fix', 'crash', 'add', 'add a test', 'test']);
    expect(c.scores.slice(0, 2)).toEqual([{ type: 'bugfix', score: 6 }, { type: 'tests', score: 4 }]);
  });

  it('is deterministic and available behind the classifier interface', async () => {
    const text = 'Migrate the tests from jest to vitest';
    await expect(heuristicClassifier.classify(text, R)).resolves.toEqual(classifyGoal(text, R));
  });
});

describe('normalisation', () => {
  it('collapses whitespace, strips zero-width characters, keeps case and the original', () => {
    const original = '  Fix\tthe\u200B  crash\n\nin  Parser.ts  ';
    expect(normalizeRequest(original)).toBe('Fix the crash in Parser.ts');
    expect(assessIntake({ request: original, repo: R }).original).toBe(original);
  });
});

describe('testability', () => {
  it.each(['make it better', 'improve things', 'Improve the code quality of the project', 'Please make it better and improve everything', 'fix everything', 'Handle the things we discussed', 'some general improvements please'])(
    '%s is not testable and asks which behaviour and which test',
    (request) => {
      const r = assessIntake({ request, repo: R });
      expect(r.testable).toBe(false);
      expect(r.question).toBe(VAGUE_QUESTION);
      expect(r.question).toContain('which test or command must pass');
    },
  );

  it('an empty request asks what the goal is', () => {
    const r = assessIntake({ request: ' \n ', repo: R });
    expect(r).toMatchObject({ testable: false, question: EMPTY_QUESTION, normalized: '' });
  });

  it('fewer than three words is not testable; scripts without spaces count two characters a word', () => {
    expect(assessIntake({ request: 'fix bug', repo: R }).testable).toBe(false);
    expect(wordCount('修复 src/login.ts 中的崩溃问题')).toBe(5);
    expect(assessIntake({ request: '修复登录页面的崩溃问题', repo: R }).testable).toBe(true);
    expect(assessIntake({ request: '修复', repo: R }).testable).toBe(false);
  });

  it.each([
    'make it better: fix the crash in parser.ts',
    'improve it so that `omk goal status --json` prints the budget',
    'make this better by adding tests for parseConfig',
    'Improve the code: the CLI exits 0 on failure, it must exit 1',
  ])('a vague phrase with a concrete detail is testable: %s', (request) => {
    const r = assessIntake({ request, repo: R });
    expect(r.testable).toBe(true);
    expect(r.question).toBeUndefined();
  });

  it('a clear request in a repository with a test gate is testable', () => {
    const r = assessIntake({ request: 'Fix the crash when the config file is empty', repo: R });
    expect(r).toMatchObject({ testable: true, type: 'bugfix', oracle: { gates: ['test', 'typecheck'], humanReview: false } });
    expect(r).not.toHaveProperty('question');
  });
});

describe('oracle', () => {
  const bench = { name: 'bench', command: 'node bench/run.js' };
  const docs = { name: 'docs', command: 'npx typedoc' };
  const build = { name: 'build', command: 'npm run build' };
  const audit = { name: 'audit', command: 'npm audit --audit-level=high' };
  const all = repo([...TS_GATES, bench, docs, build, audit]);

  it.each<[GoalType, string[]]>([
    ['bugfix', ['test', 'typecheck']],
    ['feature', ['test', 'typecheck', 'lint', 'build']],
    ['refactor', ['test', 'typecheck', 'lint']],
    ['migration', ['test', 'typecheck', 'build']],
    ['tests', ['test', 'typecheck']],
    ['docs', ['docs', 'lint']],
    ['performance', ['bench', 'test']],
    ['security', ['test', 'audit', 'typecheck', 'lint']],
    ['greenfield', ['test', 'typecheck', 'lint', 'build']],
  ])('%s with every kind of gate → %j', (type, gates) => {
    const choice = pickOracle(type, all);
    expect(choice.oracle.gates).toEqual(gates);
    expect(choice.question).toBeUndefined();
    expect(choice.oracle.rationale).toContain(gates.join(', '));
  });

  it('bugfix without a typecheck gate uses the tests alone', () => {
    expect(pickOracle('bugfix', repo([{ name: 'unit', command: 'pytest' }])).oracle.gates).toEqual(['unit']);
  });

  it('docs without a docs or lint gate needs a human review, and is still testable', () => {
    const r = assessIntake({ request: 'Update the README with installation instructions', repo: repo([TS_GATES[0]!]) });
    expect(r).toMatchObject({ testable: true, oracle: { gates: [], humanReview: true } });
    expect(r.oracle.rationale).toContain('human review');
  });

  it('performance without a benchmark gate is not testable, and the question asks for one', () => {
    const r = assessIntake({ request: 'Make the search endpoint faster; p95 latency is 800ms', repo: R });
    expect(r.testable).toBe(false);
    expect(r.question).toMatch(/benchmark/);
    expect(r.question).toContain('[gates.bench]');
    expect(assessIntake({ request: 'Make the search endpoint faster; p95 latency is 800ms', repo: all }).testable).toBe(true);
  });

  it.each<[GoalType, RegExp]>([
    ['bugfix', /reproduces the bug/],
    ['feature', /which test or command must pass/],
    ['refactor', /behaviour is unchanged/],
    ['migration', /test nor a build gate/],
    ['tests', /runs the tests/],
    ['security', /test nor a security gate/],
    ['greenfield', /prove the new project works/],
  ])('%s in a repository without gates asks the right question', (type, question) => {
    const choice = pickOracle(type, EMPTY_REPO);
    expect(choice.question).toMatch(question);
    expect(choice.oracle.gates).toEqual([]);
  });

  it('migration is satisfied by a build gate alone', () => {
    expect(pickOracle('migration', repo([build])).question).toBeUndefined();
  });

  it('gates chosen explicitly replace the oracle choice', () => {
    const r = assessIntake({ request: 'Make the search endpoint faster', repo: R, gates: ['lint', 'lint', 'test'] });
    expect(r.oracle.gates).toEqual(['lint', 'test']);
    expect(r.testable).toBe(true);
  });
});

describe('gate kinds', () => {
  it.each<[string, string, string]>([
    ['test', 'npm test', 'test'],
    ['unit', 'pytest -q', 'test'],
    ['check', 'cargo test', 'test'],
    ['types', 'npx tsc --noEmit', 'typecheck'],
    ['test:types', 'tsc -p test', 'typecheck'],
    ['lint', 'npx eslint .', 'lint'],
    ['clippy', 'cargo clippy -- -D warnings', 'lint'],
    ['bench', 'npm test -- --bench', 'bench'],
    ['docs', 'mkdocs build --strict', 'docs'],
    ['audit', 'npm audit', 'security'],
    ['build', 'npm run build', 'build'],
    ['smoke', './scripts/smoke.sh', 'other'],
  ])('%s (%s) is a %s gate', (name, command, kind) => {
    expect(gateKind({ name, command })).toBe(kind);
  });

  it('a declared kind wins', () => {
    expect(gateKind({ name: 'test', command: 'npm test', kind: 'bench' })).toBe('bench');
  });
});
