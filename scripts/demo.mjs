#!/usr/bin/env node
/**
 * The offline goal demo: a sample Node project whose `npm test` fails because add() subtracts, the
 * scripted model server standing in for the model, and omk's builtin engine pointed at it. Runs
 * `omk goal run "fix the failing test in math.js"` with the built CLI — the scripted agent fixes add()
 * and adds a regression test — and shows the verdict, the proof's test evidence (the red→green pairs:
 * the tests fail on the base with the new test file applied, and pass on head), `omk goal proof
 * --verify` and a short replay. Exit 0 only when the goal is ready.
 *
 *   npm run build && node scripts/demo.mjs [--keep]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'omk.js');
const keep = process.argv.includes('--keep');
const say = (line = '') => process.stdout.write(`${line}\n`);

const base = mkdtempSync(path.join(tmpdir(), 'omk-demo-'));
const repo = path.join(base, 'sample');
const home = path.join(base, 'home');
mkdirSync(repo);
mkdirSync(home);

// 1. The sample project, committed.
const files = {
  'package.json': `${JSON.stringify({ name: 'sample', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  'math.js': 'export function add(a, b) {\n  return a - b;\n}\n',
  'math.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './math.js';\n\ntest('add adds', () => {\n  assert.equal(add(2, 3), 5);\n});\n",
  'README.md': '# sample\n\nA tiny project with one bug.\n',
};
for (const [name, text] of Object.entries(files)) writeFileSync(path.join(repo, name), text);
const gitEnv = { PATH: process.env.PATH, HOME: home, GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@example.com' };
const git = (...args) => execFileSync('git', args, { cwd: repo, env: gitEnv, encoding: 'utf8' });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'sample project: add() has a bug');

// 2. The model's side of the conversation: a plan, then read → edit → test → answer.
const graph = {
  version: 1,
  goal_id: 'assigned-by-omk',
  tasks: [
    {
      id: 'fix-add',
      title: 'Fix add() so the test passes',
      description: 'math.js add() subtracts its arguments; make it add them, and add a regression test for negative numbers to math.test.js. Keep the existing test as it is.',
      depends_on: [],
      read_set: ['**'],
      write_set: ['math.js', 'math.test.js'],
      acceptance: ['A regression test that fails without the fix is added and passes with it.', 'add(2, 3) returns 5', 'Gate `test` passes.'],
      risk: 'low',
      max_retries: 2,
      gates: ['test'],
    },
  ],
};
const scenario = {
  name: 'demo-fix-add',
  steps: [
    { label: 'plan', content: `Here is the plan.\n\n\`\`\`json\n${JSON.stringify(graph, null, 2)}\n\`\`\`` },
    { label: 'read', content: 'Let me read the code under test.', tool_calls: [{ name: 'read_file', arguments: { path: 'math.js' } }] },
    { label: 'edit', reasoning: 'add() subtracts; replace the operator.', tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
    {
      label: 'regression test',
      reasoning: 'A test that fails with the old operator: add(-2, 2) is -4 there.',
      tool_calls: [{ name: 'edit_file', arguments: { path: 'math.test.js', old: '  assert.equal(add(2, 3), 5);\n});\n', new: "  assert.equal(add(2, 3), 5);\n});\n\ntest('add handles negatives', () => {\n  assert.equal(add(-2, 2), 0);\n});\n" } }],
    },
    { label: 'test', tool_calls: [{ name: 'bash', arguments: { command: 'npm test', timeout_ms: 60000 } }] },
    { label: 'answer', content: 'Fixed: add() in math.js subtracted its arguments; it now adds them, a regression test for negatives is in math.test.js, and `npm test` passes.' },
    { label: 'review', content: `\`\`\`json\n${JSON.stringify({ sections: reviewSections(), acceptance: reviewAcceptance() }, null, 2)}\n\`\`\`` },
  ],
};
const scenarioFile = path.join(base, 'scenario.json');
writeFileSync(scenarioFile, JSON.stringify(scenario, null, 2));

// 3. The scripted model server, in its own process.
const server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/fixtures/model-server/main.ts'), '--scenario', scenarioFile, '--port', '0'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.once('line', (line) => resolve(JSON.parse(line).url));
  server.once('exit', (code) => reject(new Error(`the model server exited with ${code}`)));
});

let status = 1;
try {
  // 4. Point the builtin engine at it, and name the gate that decides "done".
  mkdirSync(path.join(repo, '.omk'));
  writeFileSync(
    path.join(repo, '.omk', 'config.toml'),
    ['[defaults]', 'engine = "builtin"', '', '[engines.builtin]', `base_url = "${url}"`, 'api_key_env = "OMK_DEMO_API_KEY"', 'model = "mock-kimi"', '', '[gates.test]', 'command = "npm test"', ''].join('\n'),
  );
  const env = { PATH: process.env.PATH, HOME: home, OMK_DEMO_API_KEY: 'sk-demo-not-a-real-key', OMK_PROGRESS: '1' };
  const omk = (args, stdio = 'pipe') => spawnSync(process.execPath, [BIN, ...args], { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', stdio, 'inherit'] });

  say(`sample repository: ${repo}`);
  say(`model server:      ${url} (scripted, offline)`);
  say();
  say('$ omk goal run "fix the failing test in math.js"');
  const run = omk(['goal', 'run', 'fix the failing test in math.js'], 'inherit');
  say();
  say('$ omk goal proof latest   (the test evidence and acceptance criteria sections of proof.md)');
  const md = omk(['goal', 'proof', 'latest']);
  for (const heading of ['Test evidence', 'Acceptance criteria']) {
    const section = new RegExp(`## ${heading}\\n[\\s\\S]*?(?=\\n## |$)`).exec(md.stdout ?? '');
    say(section ? section[0].trimEnd() : `(no ${heading.toLowerCase()} section in proof.md)`);
    say();
  }
  say('$ omk goal proof latest --verify');
  const verify = omk(['goal', 'proof', 'latest', '--verify']);
  process.stdout.write(verify.stdout);
  say();
  say('$ omk goal replay latest   (without approval and gate-runner lines)');
  const replay = omk(['goal', 'replay', 'latest']);
  for (const line of replay.stdout.split('\n')) if (!/approval\.decided|gate\.started|gate\.finished/.test(line)) say(line);
  status = run.status === 0 && verify.status === 0 ? 0 : 1;
  say(status === 0 ? 'demo: the goal is ready and its proof verifies.' : `demo: FAILED (goal run exit ${run.status}, verify exit ${verify.status})`);
} finally {
  server.kill('SIGTERM');
  if (!keep) rmSync(base, { recursive: true, force: true });
  else say(`kept: ${base}`);
}
process.exit(status);

/** The reviewer's answers about the plan's criteria (ids are `<task>#<n>`). */
function reviewAcceptance() {
  return [
    { id: 'fix-add#1', status: 'met', evidence: "math.test.js adds 'add handles negatives'; add(-2, 2) is -4 with a - b" },
    { id: 'fix-add#2', status: 'met', evidence: 'add() returns a + b, and the existing test asserts add(2, 3) === 5' },
    { id: 'fix-add#3', status: 'met', evidence: 'omk ran the gate; the answer has nothing to add' },
  ];
}

/** The reviewer agent's verdict on the one-line fix: every section reviewed, nothing wrong. */
function reviewSections() {
  const pass = (notes) => ({ status: 'pass', notes, evidence: ['the combined diff: math.js, one operator'], risks: [], gaps: [] });
  return {
    architect: pass('A one-operator fix inside add(); no structure changes.'),
    code: pass('return a + b is what add() means.'),
    tests: pass('The existing test now passes unchanged, and the new negatives test fails on the old operator.'),
    security: pass('No input handling, secrets or dependencies touched.'),
    performance: pass('Constant time as before.'),
    anti_slop: pass('No stubs, comments or dead code added.'),
  };
}
