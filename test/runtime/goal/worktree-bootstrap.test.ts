import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/defaults.js';
import type { WorktreesConfig } from '../../../src/core/config/types.js';
import type { EventPayload } from '../../../src/core/events/catalogue.js';
import { commitAll, diffBetween, workingTreeChanges } from '../../../src/runtime/git/index.js';
import { scopeOf, type GoalRuntime, type GoalScope } from '../../../src/runtime/goal/context.js';
import { BOOTSTRAP_RECORD } from '../../../src/runtime/goal/worktree-bootstrap.js';
import { openTaskWorktree } from '../../../src/runtime/goal/worktrees.js';
import { openStore, type SqliteStore } from '../../../src/runtime/store/sqlite-store.js';
import { makeSandbox, type Sandbox } from '../git/helpers.js';

const SECRET = 'sk-live-0123456789abcdef-not-for-git';
type Bootstrapped = EventPayload<'worktree.bootstrapped'>;

describe('worktree bootstrap (.omk/worktree-include and [worktrees] setup)', () => {
  let sb: Sandbox;
  let store: SqliteStore;
  let base: string;

  beforeEach(async () => {
    sb = makeSandbox();
    base = sb.git(['rev-parse', 'HEAD']);
    store = await openStore({ dbFile: path.join(sb.repo, '.omk', 'omk.db'), goalsDir: path.join(sb.repo, '.omk', 'goals') });
  });
  afterEach(async () => {
    await store.close();
    sb.cleanup();
  });

  async function goal(worktrees: Partial<WorktreesConfig> = {}): Promise<GoalScope> {
    const rt: GoalRuntime = {
      store,
      repoRoot: sb.repo,
      goalsDir: path.join(sb.repo, '.omk', 'goals'),
      worktreesRoot: path.join(sb.repo, '.omk', 'worktrees'),
      env: sb.env,
      homeDir: sb.env.HOME!,
      config: { ...defaultConfig(), worktrees: { root: '.omk/worktrees', ...worktrees } },
      gates: [],
      engine: undefined,
      now: () => new Date(),
      randomHex: () => 'abcd',
      signal: new AbortController().signal,
      progress: () => undefined,
      owner: 'test-owner',
    };
    await store.transaction(async (tx) => {
      await tx.createGoal({ id: 'g1', prompt: 'p' });
      await tx.appendEvent('g1', 'goal.created', { goal_id: 'g1', prompt: 'p' });
    });
    return scopeOf(rt, 'g1');
  }

  async function bootstrapEvents(): Promise<Bootstrapped[]> {
    return (await store.readEvents('g1')).filter((e) => e.type === 'worktree.bootstrapped').map((e) => e.payload as Bootstrapped);
  }

  const include = (text: string) => sb.write({ '.omk/worktree-include': text });
  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('copies the listed local files with their modes, keeps them out of commits and diffs, and never records their contents', async () => {
    include('# local files\n.env\nconfig/*.local.json\nbin/\nlinks/\nREADME.md\nlocal.log\n');
    sb.write({ '.env': `API_KEY=${SECRET}\n`, 'config/db.local.json': '{"password":"hunter2"}\n', 'config/shared.json': '{}\n', 'bin/run.sh': '#!/bin/sh\necho hi\n', 'local.log': 'already ignored by .gitignore\n' });
    chmodSync(path.join(sb.repo, 'config/db.local.json'), 0o600);
    chmodSync(path.join(sb.repo, 'bin/run.sh'), 0o755);
    mkdirSync(path.join(sb.repo, 'links'));
    symlinkSync('../config/db.local.json', path.join(sb.repo, 'links/inside'));
    symlinkSync(path.join(sb.repo, '.env'), path.join(sb.repo, 'links/absolute-inside'));
    symlinkSync(path.join(sb.dir, 'home'), path.join(sb.repo, 'links/outside'));
    writeFileSync(path.join(sb.repo, 'README.md'), 'changed in main, not committed\n');
    const scope = await goal();

    const wt = await openTaskWorktree(scope, 't1', base, 1);
    expect(wt.created).toBe(true);
    expect(wt.bootstrap).toMatchObject({ ok: true, failure: null, setup: null });
    expect(wt.bootstrap!.copied).toEqual(['.env', 'bin/run.sh', 'config/db.local.json', 'links/absolute-inside', 'links/inside', 'local.log']);
    expect(wt.bootstrap!.skipped).toEqual([
      { path: 'README.md', reason: 'already in the worktree (tracked at the base commit); not overwritten' },
      { path: 'links/outside', reason: expect.stringContaining('points outside the repository') as string },
    ]);
    expect(readFileSync(path.join(wt.path, '.env'), 'utf8')).toBe(`API_KEY=${SECRET}\n`);
    expect(lstatSync(path.join(wt.path, 'config/db.local.json')).mode & 0o777).toBe(0o600);
    expect(lstatSync(path.join(wt.path, 'bin/run.sh')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(path.join(wt.path, 'links/inside'))).toBe('../config/db.local.json');
    // An absolute link into the main checkout is re-pointed at the worktree's own copy.
    expect(readlinkSync(path.join(wt.path, 'links/absolute-inside'))).toBe('../.env');
    expect(existsSync(path.join(wt.path, 'config/shared.json'))).toBe(false);
    expect(readFileSync(path.join(wt.path, 'README.md'), 'utf8')).toBe('hello\n');

    // git ignores every copy there: nothing to see, nothing an agent's `git add -A` or omk's commit picks up.
    expect(sb.git(['status', '--porcelain'], wt.path)).toBe('');
    // Only what git would not already ignore goes to the repository's (shared) info/exclude.
    expect(wt.bootstrap!.excluded).toEqual(['.env', 'bin/run.sh', 'config/db.local.json', 'links/absolute-inside', 'links/inside']);
    expect(readFileSync(path.join(sb.repo, '.git/info/exclude'), 'utf8')).toContain('\n/.env\n/bin/run.sh\n');
    sb.write({ 'src/a.ts': 'export const a = 42;\n' }, wt.path);
    const ctx = { cwd: wt.path, env: sb.env };
    const changes = await workingTreeChanges(ctx, wt.head);
    expect(changes.files.map((f) => f.path)).toEqual(['src/a.ts']);
    const commit = await commitAll(ctx, { message: 'omk: t1' });
    expect(commit.committed).toBe(true);
    if (!commit.committed) return;
    expect(sb.git(['show', '--name-only', '--format=', commit.sha], wt.path)).toBe('src/a.ts');
    expect((await diffBetween(ctx, wt.head, commit.sha)).patch).not.toContain(SECRET);

    const [event] = await bootstrapEvents();
    expect(event).toMatchObject({ task_id: 't1', attempt: 1, path: wt.path, ok: true, copied_count: 6 });
    const log = readFileSync(path.join(scope.dir.root, 'events.jsonl'), 'utf8');
    expect(log).toContain('worktree.bootstrapped');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('hunter2');
  });

  it('copies only into a new worktree, not on reuse once the bootstrap succeeded', async () => {
    include('.env\n');
    sb.write({ '.env': 'A=1\n' });
    const scope = await goal();
    const first = await openTaskWorktree(scope, 't1', base, 1);
    expect(first.bootstrap?.ok).toBe(true);
    rmSync(path.join(first.path, '.env'));
    const again = await openTaskWorktree(scope, 't1', base, 2);
    expect(again.created).toBe(false);
    expect(again.bootstrap).toBeNull();
    expect(existsSync(path.join(again.path, '.env'))).toBe(false);
    expect(await bootstrapEvents()).toHaveLength(1);
  });

  it('does nothing, and records nothing, without an include file or a setup command', async () => {
    const scope = await goal();
    const wt = await openTaskWorktree(scope, 't1', base, 1);
    expect(wt.bootstrap).toBeNull();
    expect(await bootstrapEvents()).toEqual([]);
  });

  it('refuses a pattern that escapes the repository, naming the file and line, and copies nothing', async () => {
    include('.env\n# next one is wrong\n../outside/.env\n');
    sb.write({ '.env': 'A=1\n' });
    const scope = await goal({ setup: 'touch setup-ran' });
    const wt = await openTaskWorktree(scope, 't1', base, 1);
    expect(wt.bootstrap).toMatchObject({ ok: false, copied: [], setup: null });
    expect(wt.bootstrap!.failure).toBe(
      '.omk/worktree-include:3: "../outside/.env": ".." would reach outside the repository; patterns must stay inside it (fix or remove the line)',
    );
    expect(existsSync(path.join(wt.path, '.env'))).toBe(false);
    expect(existsSync(path.join(wt.path, 'setup-ran'))).toBe(false);
    expect(await bootstrapEvents()).toMatchObject([{ ok: false, failure: wt.bootstrap!.failure }]);

    // Not bootstrapped yet, so the next open tries again, with the fixed file.
    include('.env\n');
    const again = await openTaskWorktree(scope, 't1', base, 2);
    expect(again.created).toBe(false);
    expect(again.bootstrap).toMatchObject({ ok: true, copied: ['.env'] });
    expect(existsSync(path.join(again.path, 'setup-ran'))).toBe(true);
  });

  it('runs the setup command in the new worktree; its redacted output is evidence with digests that match the files', async () => {
    const scope = await goal({ setup: `echo installing; echo "token sk-abcdefghijklmnopqrstuvwx1234" >&2; mkdir -p node_modules/dep && echo x > node_modules/dep/index.js; echo CI=$CI` });
    const wt = await openTaskWorktree(scope, 't1', base, 1);
    expect(wt.bootstrap).toMatchObject({ ok: true, failure: null });
    const setup = wt.bootstrap!.setup!;
    expect(setup).toMatchObject({ exit_code: 0, timed_out: false, canceled: false, spawn_error: null, timeout_ms: 600_000 });
    expect(setup.stdout.path).toMatch(/^artifacts\/setup\/[^/]+-t1-[0-9a-f]{6}\/stdout$/);
    const stdout = path.join(scope.dir.root, setup.stdout.path);
    const stderr = path.join(scope.dir.root, setup.stderr.path);
    expect(readFileSync(stdout, 'utf8')).toBe('installing\nCI=true\n');
    expect(sha256(stdout)).toBe(setup.stdout.sha256);
    expect(sha256(stderr)).toBe(setup.stderr.sha256);
    expect(readFileSync(stderr, 'utf8')).not.toContain('sk-abcdefghijklmnopqrstuvwx1234');
    // What the setup made is ignored there, so it never becomes the agent's change.
    expect(existsSync(path.join(wt.path, 'node_modules/dep/index.js'))).toBe(true);
    expect(wt.bootstrap!.excluded).toEqual(['node_modules/']);
    expect(sb.git(['status', '--porcelain'], wt.path)).toBe('');
    const [event] = await bootstrapEvents();
    expect(event).toMatchObject({ ok: true, setup: { stdout: setup.stdout, stderr: setup.stderr } });
    // The event log is redacted like every event: a key-shaped string in the command does not survive.
    expect(event!.setup!.command).toContain('echo installing');
    expect(event!.setup!.command).not.toContain('sk-abcdefghijklmnopqrstuvwx1234');
    const gitDir = sb.git(['rev-parse', '--absolute-git-dir'], wt.path);
    expect(existsSync(path.join(gitDir, BOOTSTRAP_RECORD))).toBe(true);
  });

  it('a failing setup command is a clear outcome, not a throw, and the next open runs it again', async () => {
    const scope = await goal({ setup: 'echo fetching; echo "npm ERR! missing lockfile" >&2; exit 3' });
    const wt = await openTaskWorktree(scope, 't1', base, 1);
    expect(wt.bootstrap).toMatchObject({ ok: false, setup: { exit_code: 3 } });
    expect(wt.bootstrap!.failure).toBe(
      `setup command \`echo fetching; echo "npm ERR! missing lockfile" >&2; exit 3\` exited with 3: npm ERR! missing lockfile (output: ${wt.bootstrap!.setup!.stderr.path})`,
    );
    const gitDir = sb.git(['rev-parse', '--absolute-git-dir'], wt.path);
    expect(existsSync(path.join(gitDir, BOOTSTRAP_RECORD))).toBe(false);
    const again = await openTaskWorktree(scope, 't1', base, 1);
    expect(again.bootstrap?.ok).toBe(false);
    expect(await bootstrapEvents()).toHaveLength(2);
  });

  it('fails when the setup command changes tracked files, which would land in the diff', async () => {
    const scope = await goal({ setup: 'echo more >> README.md' });
    const wt = await openTaskWorktree(scope, 't1', base, 1);
    expect(wt.bootstrap?.ok).toBe(false);
    expect(wt.bootstrap!.failure).toContain('changed tracked files (README.md)');
    // Undone, so the next attempt does not inherit the change.
    expect(readFileSync(path.join(wt.path, 'README.md'), 'utf8')).toBe('hello\n');
    expect(sb.git(['status', '--porcelain'], wt.path)).toBe('');
  });

  it('stops a setup command at its timeout', async () => {
    const scope = await goal({ setup: 'echo started; sleep 30', setup_timeout: 1 });
    const startedAt = Date.now();
    const wt = await openTaskWorktree(scope, 't1', base, 1);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(wt.bootstrap).toMatchObject({ ok: false, setup: { timed_out: true, timeout_ms: 1000 } });
    expect(wt.bootstrap!.failure).toContain('timed out after 1s');
    expect(readFileSync(path.join(scope.dir.root, wt.bootstrap!.setup!.stdout.path), 'utf8')).toBe('started\n');
  });
});
