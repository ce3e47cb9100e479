import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalPolicy } from '../../../src/runtime/approval/policy.js';
import type { ApprovalContext } from '../../../src/core/approval/types.js';

/**
 * Commands that write or delete outside the worktree through tools `auto` allows (issue: "allowed
 * tools used to write or delete outside the worktree"). Every one must be refused; `SAFE` are look-alikes
 * that stay inside and must still be allowed, so the corpus cannot pass by refusing everything.
 */
let root: string;
let session: string;
let home: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'omk-escape-')));
  session = path.join(root, 'repo', '.omk', 'worktrees', 'g1', 't1');
  home = path.join(root, 'home');
  for (const dir of [session, home, path.join(root, 'outside'), path.join(session, 'src')]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(session, 'src', 'a.js'), 'x\n');
  writeFileSync(path.join(session, 'Makefile'), 'all:\n\ttrue\n');
  symlinkSync(path.join(root, 'outside'), path.join(session, 'link'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function policy(mode: ApprovalContext['mode']) {
  return createApprovalPolicy({ context: { sessionDir: session, homeDir: home, mode, allowCommands: [], denyCommands: [], currentBranch: 'omk/g1-t1', baseRef: 'main' } });
}

export const ESCAPES: ReadonlyArray<string> = [
  // recursive deletes through a link given with a trailing slash
  'rm -rf link/',
  'rm -r link/.',
  'find link/ -delete',
  'find -L . -delete',
  // build and test tools' own location/output flags
  'make -C /tmp',
  'make -C .. all',
  'make -f /tmp/evil.mk',
  "make --eval='all:; touch /tmp/x'",
  'make --directory=/tmp',
  'pytest --basetemp=/tmp/bt',
  'pytest --basetemp /tmp/bt',
  'node --test --require /tmp/evil.js',
  'node --require=/tmp/evil.js --test',
  'eslint -o /tmp/report.txt .',
  'eslint --output-file /tmp/report.txt .',
  'tsc --outDir /tmp/out',
  'tsc --outDir=../out',
  'go build -o /tmp/bin ./...',
  'go test -o ../t.test ./...',
  'npm --prefix /tmp install',
  'npm test --prefix=..',
  'cargo build --manifest-path /tmp/Cargo.toml',
  'cargo build --target-dir /tmp/target',
  'npx jest --outputFile=/tmp/out.json',
  'python -m pytest --basetemp=/tmp/bt',
  'cmake -B /tmp/build .',
  'pip install --target /tmp/site x',
  'pip install -t /tmp/site x',
  'vitest run --outputFile=/tmp/r.json',
  'npm run build --prefix /tmp/p',
  // sed scripts that execute or write files
  "sed -i 's/a/b/e' src/a.js",
  "sed -i '1e touch /tmp/x' src/a.js",
  "sed 'w /tmp/out' src/a.js",
  "sed -n 's/x/y/w /tmp/out' src/a.js",
  "sed -e '1e rm -rf /tmp/x' src/a.js",
  'sed -f script.sed src/a.js',
  // git from a linked worktree touching the main checkout's shared state
  'git stash clear',
  'git stash drop',
  'git stash drop stash@{0}',
  'git stash pop',
  'git symbolic-ref HEAD refs/heads/main',
  'git update-ref refs/heads/main HEAD',
  'git branch -f main HEAD',
  'git -C .. status',
  'git -C /tmp init',
  // plain writes outside
  'echo x > ../x',
  'echo x | tee /tmp/x',
  'cp src/a.js /tmp/',
  'mv src/a.js ../',
  'ln -s /etc/passwd src/p && echo x > src/p',
  'cd .. && touch x',
  'touch $HOME/x',
  'touch ~/x',
];

const SAFE: ReadonlyArray<string> = ['make', 'make -C src', 'pytest --basetemp=./tmp', 'tsc --outDir dist', 'go build -o bin/app .', "sed -i 's/a/b/g' src/a.js", 'git stash list', 'git status', 'eslint -o report.txt .', 'rm -rf src/', 'cmake -B build .', 'cargo build --target x86_64-unknown-linux-gnu', 'node --test', 'git stash', 'git stash apply'];

describe('escapes through allowed tools are refused in auto', () => {
  it.each(ESCAPES)('%s', async (command) => {
    const r = await policy('auto').check({ kind: 'execute', command, paths: [] });
    expect({ command, allow: r.allow }).toEqual({ command, allow: false });
  });
});

describe('look-alikes that stay inside are allowed in auto', () => {
  it.each(SAFE)('%s', async (command) => {
    const r = await policy('auto').check({ kind: 'execute', command, paths: [] });
    expect({ command, allow: r.allow, reason: r.allow ? '' : r.reason }).toMatchObject({ command, allow: true });
  });
});

describe('yolo still cannot move the base branch', () => {
  it.each(['git symbolic-ref HEAD refs/heads/main', 'git update-ref refs/heads/main HEAD', 'git branch -f main HEAD', 'git stash clear'])('%s', async (command) => {
    const r = await policy('yolo').check({ kind: 'execute', command, paths: [] });
    expect({ command, allow: r.allow }).toEqual({ command, allow: false });
  });
});
