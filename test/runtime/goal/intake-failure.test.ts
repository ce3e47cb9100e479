import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/defaults.js';
import { createGoal } from '../../../src/runtime/goal/intake.js';
import type { GoalRuntime } from '../../../src/runtime/goal/index.js';
import { resolvePaths } from '../../../src/runtime/paths.js';
import { openStore } from '../../../src/runtime/store/sqlite-store.js';
import { BUILT, runOmkChild } from './cli-child.js';
import { sampleRepo, type SampleRepo } from './sample-repo.js';

const goalsDir = (repo: SampleRepo): string => path.join(repo.root, '.omk', 'goals');
const eventTypes = (repo: SampleRepo, id: string): string[] =>
  readFileSync(path.join(goalsDir(repo), id, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { type: string }).type);

/** A failure before planning used to append `goal.failed` without end (10 000 events in minutes) and print nothing. */
describe.skipIf(!BUILT)('a goal that cannot start (built CLI; run `npm run build` first)', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(() => repo.cleanup());

  it('a repository without a commit is a usage error naming the fix; no goal is recorded', async () => {
    rmSync(path.join(repo.root, '.git'), { recursive: true, force: true });
    repo.git('init', '-q', '-b', 'main');
    const r = await runOmkChild(['goal', 'run', 'fix add'], repo.root, repo.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no commit yet');
    expect(r.stderr).toContain('git add -A && git commit');
    expect(existsSync(goalsDir(repo)) ? readdirSync(goalsDir(repo)) : []).toEqual([]);
  }, 30_000);

  it('a --base that names no commit is a usage error naming the ref', async () => {
    const r = await runOmkChild(['goal', 'run', 'fix add', '--base', 'no-such-branch'], repo.root, repo.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--base no-such-branch: no commit named "no-such-branch"');
    expect(existsSync(goalsDir(repo)) ? readdirSync(goalsDir(repo)) : []).toEqual([]);
  }, 30_000);

  it('a recorded goal whose intake fails the same way twice ends failed_infra instead of repeating it', async () => {
    // A goal recorded while the branch had a commit; then the branch is deleted (HEAD is unborn) before it is resumed.
    const paths = resolvePaths({ cwd: repo.root, env: repo.env });
    const store = await openStore({ dbFile: paths.dbFile!, goalsDir: paths.goalsDir! });
    let goalId: string;
    try {
      const rt = { store, repoRoot: repo.root, env: repo.env, goalsDir: paths.goalsDir!, gates: [], config: defaultConfig(), now: () => new Date(), randomHex: () => 'beef' } as unknown as GoalRuntime;
      goalId = (await createGoal(rt, { request: 'fix add', maxAgents: 1, untilReady: false })).goalId;
    } finally {
      await store.close();
    }
    repo.git('update-ref', '-d', 'refs/heads/main');
    const r = await runOmkChild(['goal', 'resume', goalId, '--json'], repo.root, repo.env);
    expect(r.code).toBe(5);
    const out = JSON.parse(r.stdout) as { status: string; reason: string };
    expect(out.status).toBe('failed_infra');
    expect(out.reason).toContain('no commit named "HEAD"');
    expect(out.reason).toContain('twice in a row');
    const types = eventTypes(repo, goalId);
    expect(types.filter((t) => t === 'goal.failed')).toHaveLength(2);
    expect(types.length).toBeLessThan(12);
  }, 30_000);
});
