import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real temp git repository: a Node project whose `node --test` fails because add() subtracts. */
export interface SampleRepo {
  root: string;
  home: string;
  env: Record<string, string | undefined>;
  writeConfig(toml: string): void;
  git(...args: string[]): string;
  cleanup(): void;
}

export const BUGGY_MATH = 'export function add(a, b) {\n  return a - b;\n}\n';
export const FIXED_MATH = 'export function add(a, b) {\n  return a + b;\n}\n';
const TEST = [
  "import { test } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { add } from './math.js';",
  '',
  "test('add adds', () => {",
  '  assert.equal(add(2, 3), 5);',
  '});',
  '',
].join('\n');

export function sampleRepo(): SampleRepo {
  const base = mkdtempSync(path.join(tmpdir(), 'omk-goal-'));
  const root = path.join(base, 'repo');
  const home = path.join(base, 'home');
  mkdirSync(root);
  mkdirSync(home);
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    OMK_TEST_KEY: 'sk-test-dummy',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' },
    });
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(root, 'package.json'), `${JSON.stringify({ name: 'sample', type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`);
  writeFileSync(path.join(root, 'math.js'), BUGGY_MATH);
  writeFileSync(path.join(root, 'math.test.js'), TEST);
  writeFileSync(path.join(root, 'README.md'), '# sample\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'sample project with a bug');
  return {
    root,
    home,
    env,
    git,
    writeConfig(toml: string) {
      mkdirSync(path.join(root, '.omk'), { recursive: true });
      writeFileSync(path.join(root, '.omk', 'config.toml'), toml);
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * Project config: the builtin engine on the scripted model server, and a `test` gate. No reviewer agent
 * unless `reviewer` names one (its scenario step would otherwise be needed by every goal test):
 * review-*.test.ts turn it on.
 */
export function builtinConfig(url: string, opts: { reviewer?: string } = {}): string {
  return [
    '[defaults]',
    'engine = "builtin"',
    `reviewer_engine = "${opts.reviewer ?? 'none'}"`,
    '',
    '[engines.builtin]',
    `base_url = "${url}"`,
    'api_key_env = "OMK_TEST_KEY"',
    'model = "mock-kimi"',
    '',
    '[gates.test]',
    'command = "node --test"',
    '',
  ].join('\n');
}

/** The planner's answer: one task that may only write math.js. */
export function planStep(writeSet: string[] = ['math.js'], maxRetries = 1): { label: string; content: string } {
  const graph = {
    version: 1,
    goal_id: '<ignored>',
    tasks: [
      {
        id: 'fix-add',
        title: 'Fix add() in math.js',
        description: 'add() subtracts; make it add so the test passes.',
        depends_on: [],
        read_set: ['**'],
        write_set: writeSet,
        // Both checkable without a reviewer: the runner's report names the test, and the gate's run says it passed.
        acceptance: ['Test `add adds` passes.', 'Gate `test` passes.'],
        risk: 'low',
        max_retries: maxRetries,
        gates: ['test'],
      },
    ],
  };
  return { label: 'plan', content: `\`\`\`json\n${JSON.stringify(graph, null, 2)}\n\`\`\`` };
}
