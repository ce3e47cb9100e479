import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGate, type RunGateOptions } from '../../../src/runtime/gates/run-gate.js';
import { workingTreeSha } from '../../../src/runtime/gates/tree-sha.js';
import type { SqliteStore } from '../../../src/runtime/store/sqlite-store.js';
import { fixture, gitRepo, parentEnv, spec, storeIn } from './helpers.js';

describe('gate result cache', () => {
  const repo = gitRepo();
  let store: SqliteStore;
  const counter = path.join(repo.dir, '..', `${path.basename(repo.dir)}.count`);
  const counting = spec('test', `sh ${fixture('pass.sh')} '${counter}'`);
  const tree = async () => {
    const t = await workingTreeSha(repo.dir, parentEnv);
    if (!t.ok) throw new Error(t.message);
    return t.treeSha;
  };
  const options = async (over: Partial<RunGateOptions> = {}): Promise<RunGateOptions> => ({
    repoRoot: repo.dir,
    treeSha: await tree(),
    store,
    env: parentEnv,
    graceMs: 200,
    ...over,
  });

  beforeAll(async () => {
    store = await storeIn(repo.dir);
  });
  afterAll(async () => {
    await store.close();
    rmSync(counter, { force: true });
    repo.cleanup();
  });

  it('an unchanged tree is not re-tested: the second run is the first evidence with cached: true', async () => {
    const first = await runGate(counting, await options());
    expect(first.cached).toBe(false);
    expect(repo.count(counter)).toBe(1);
    const second = await runGate(counting, await options());
    expect(repo.count(counter)).toBe(1); // did not execute
    expect(second).toEqual({ ...first, cached: true });
  });

  it('a change to the working tree (even uncommitted, even untracked) misses', async () => {
    repo.write('new-file.txt', 'x\n');
    const after = await runGate(counting, await options());
    expect(after.cached).toBe(false);
    expect(repo.count(counter)).toBe(2);
    repo.write('README.md', 'changed\n');
    await runGate(counting, await options());
    expect(repo.count(counter)).toBe(3);
  });

  it('--no-cache runs anyway', async () => {
    await runGate(counting, await options({ useCache: false }));
    expect(repo.count(counter)).toBe(4);
  });

  it('a different command or env is a different entry', async () => {
    await runGate({ ...counting, env: { FLAVOUR: 'b' } }, await options());
    expect(repo.count(counter)).toBe(5);
    await runGate({ ...counting, env: { FLAVOUR: 'b' } }, await options());
    expect(repo.count(counter)).toBe(5);
  });

  it('caches ordinary failures too', async () => {
    const failing = spec('unit', `sh ${fixture('fail.sh')} '${counter}'`);
    const first = await runGate(failing, await options());
    const second = await runGate(failing, await options());
    expect(second).toMatchObject({ cached: true, passed: false, exit_code: 1, run_id: first.run_id });
    expect(repo.count(counter)).toBe(6);
  });

  it('does not cache timeouts or infrastructure errors', async () => {
    const slow = spec('slow', `echo ran >> '${counter}'; sleep 100000`, { timeoutMs: 300 });
    await runGate(slow, await options());
    const again = await runGate(slow, await options());
    expect(again).toMatchObject({ cached: false, outcome: 'timed_out' });
    expect(repo.count(counter)).toBe(8);
    const missing = spec('missing', `echo ran >> '${counter}'; definitely-not-a-command-omk`);
    await runGate(missing, await options());
    await runGate(missing, await options());
    expect(repo.count(counter)).toBe(10);
  });

  it('a cache entry whose artifacts are gone is a miss, never evidence pointing at nothing', async () => {
    const gate = spec('fresh', `sh ${fixture('pass.sh')} '${counter}'`, { env: { FLAVOUR: 'c' } });
    const first = await runGate(gate, await options());
    rmSync(path.resolve(repo.dir, first.stdout.path));
    const second = await runGate(gate, await options());
    expect(second.cached).toBe(false);
    expect(repo.count(counter)).toBe(12);
  });
});

describe('workingTreeSha', () => {
  const repo = gitRepo();
  afterAll(() => repo.cleanup());
  const sha = async () => {
    const t = await workingTreeSha(repo.dir, parentEnv);
    if (!t.ok) throw new Error(t.message);
    return t.treeSha;
  };

  it("is HEAD's tree for a clean checkout, sees changes, ignores .omk/, and leaves the real index alone", async () => {
    const head = repo.git('rev-parse', 'HEAD^{tree}').trim();
    expect(await sha()).toBe(head);
    repo.write('a.txt', 'a\n');
    const dirty = await sha();
    expect(dirty).not.toBe(head);
    expect(repo.git('status', '--porcelain')).toBe('?? a.txt\n'); // nothing was staged
    rmSync(path.join(repo.dir, 'a.txt'));
    const omk = path.join(repo.dir, '.omk', 'gates');
    mkdirSync(omk, { recursive: true });
    writeFileSync(path.join(omk, 'x'), 'artifact');
    expect(await sha()).toBe(head);
  });

  it('fails as a value outside a repository', async () => {
    const result = await workingTreeSha('/', parentEnv);
    expect(result.ok).toBe(false);
  });
});
