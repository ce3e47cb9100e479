import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { GateEvidence } from '../../../src/core/gates/evidence.js';
import { runGate } from '../../../src/runtime/gates/run-gate.js';
import { isGone, reap, waitFor } from '../process/helpers.js';
import { fixture, gitRepo, parentEnv, spec } from './helpers.js';

const TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

describe('runGate (no store)', () => {
  const repo = gitRepo();
  const leftovers: number[] = [];
  afterEach(() => leftovers.splice(0).forEach(reap));
  afterAll(() => repo.cleanup());

  const run = (command: string, over: Parameters<typeof spec>[2] = {}, opts: Partial<Parameters<typeof runGate>[1]> = {}) =>
    runGate(spec('g', command, over), { repoRoot: repo.dir, treeSha: TREE, env: parentEnv, graceMs: 200, ...opts });

  const file = (p: string) => readFileSync(path.resolve(repo.dir, p));
  const sha = (p: string) => createHash('sha256').update(file(p)).digest('hex');

  function expectArtifactsMatch(e: GateEvidence) {
    for (const a of [e.stdout, e.stderr]) {
      expect(sha(a.path)).toBe(a.sha256);
      expect(file(a.path).length).toBe(a.bytes);
    }
    expect(JSON.parse(file(e.result_path).toString('utf8'))).toEqual(e);
  }

  it('records a passing run with artifacts under .omk/gates/<run-id>/ whose digests match', async () => {
    const e = await run(`sh ${fixture('pass.sh')}`);
    expect(e).toMatchObject({ name: 'g', outcome: 'passed', passed: true, infra_error: null, exit_code: 0, signal: null, timed_out: false, canceled: false, cached: false, tree_sha: TREE });
    expect(e.stdout.path).toBe(`.omk/gates/${e.run_id}/stdout`);
    expect(e.result_path).toBe(`.omk/gates/${e.run_id}/result.json`);
    expect(file(e.stdout.path).toString()).toBe('3 tests passed\n');
    expect(e.stdout).toMatchObject({ bytes: 15, original_bytes: 15, truncated: false });
    expect(Date.parse(e.finished_at)).toBeGreaterThanOrEqual(Date.parse(e.started_at));
    expectArtifactsMatch(e);
  });

  it('records an ordinary failure with its exit code and stderr', async () => {
    const e = await run(`sh ${fixture('fail.sh')}`);
    expect(e).toMatchObject({ outcome: 'failed', passed: false, exit_code: 1 });
    expect(file(e.stderr.path).toString()).toContain('AssertionError');
    expectArtifactsMatch(e);
  });

  it('writes under the goal directory when given one', async () => {
    const goalDir = path.join(repo.dir, '.omk', 'goals', 'g1');
    const e = await run(`sh ${fixture('pass.sh')}`, {}, { goalDir });
    expect(e.result_path).toBe(`.omk/goals/g1/artifacts/gates/${e.run_id}/result.json`);
    expect(existsSync(path.join(goalDir, 'artifacts', 'gates', e.run_id, 'stdout'))).toBe(true);
  });

  it('times out a gate that never ends and stops its whole tree', async () => {
    const pidFile = path.join(repo.dir, 'forever.pid');
    const e = await run(`sh ${fixture('forever.sh')} '${pidFile}'`, { timeoutMs: 500 });
    expect(e).toMatchObject({ outcome: 'timed_out', passed: false, timed_out: true, exit_code: null, timeout_ms: 500 });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    leftovers.push(grandchild);
    expect(await waitFor(() => isGone(grandchild))).toBe(true);
    expectArtifactsMatch(e);
  });

  it('stops a gate that ignores SIGTERM (SIGKILL after the grace period)', async () => {
    const pidFile = path.join(repo.dir, 'stubborn.pid');
    const e = await run(`sh ${fixture('ignores-sigterm.sh')} '${pidFile}'`, { timeoutMs: 500 });
    expect(e).toMatchObject({ outcome: 'timed_out', timed_out: true });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    leftovers.push(pid);
    expect(await waitFor(() => isGone(pid))).toBe(true);
  });

  it('cancels through the signal and stops the tree', async () => {
    const pidFile = path.join(repo.dir, 'cancel.pid');
    const controller = new AbortController();
    const pending = run(`sh ${fixture('forever.sh')} '${pidFile}'`, {}, { signal: controller.signal });
    expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '')).toBe(true);
    controller.abort('user pressed stop');
    const e = await pending;
    expect(e).toMatchObject({ outcome: 'canceled', canceled: true, cancel_reason: 'user pressed stop', passed: false });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    leftovers.push(grandchild);
    expect(await waitFor(() => isGone(grandchild))).toBe(true);
  });

  it('caps a flood of output, keeping head and tail, and says it truncated', async () => {
    const e = await run(`node ${fixture('spam-stdout.mjs')} ${1024 * 1024}`, {}, { maxOutputBytes: 64 * 1024 });
    expect(e.outcome).toBe('passed');
    expect(e.stdout).toMatchObject({ truncated: true, original_bytes: 1024 * 1024 });
    expect(e.stdout.bytes).toBeLessThan(70 * 1024);
    const text = file(e.stdout.path).toString();
    expect(text.startsWith('HEAD-MARK\n')).toBe(true);
    expect(text.endsWith('TAIL-MARK\n')).toBe(true);
    expectArtifactsMatch(e);
  });

  it('redacts secrets before the artifacts are written', async () => {
    const e = await run(`sh ${fixture('prints-secret.sh')}`);
    const out = file(e.stdout.path).toString();
    const err = file(e.stderr.path).toString();
    expect(out).not.toContain('abcdefghijklmnop1234567890');
    expect(err).not.toContain('hunter2');
    expect(out).toContain('[REDACTED]');
    expect(err).toContain('API_KEY=[REDACTED]');
    expect(readFileSync(path.resolve(repo.dir, e.result_path), 'utf8')).not.toContain('hunter2');
    expectArtifactsMatch(e);
  });

  it('a missing command is an infrastructure error (exit 127), not a test failure', async () => {
    const e = await run('definitely-not-a-command-omk --version');
    expect(e).toMatchObject({ outcome: 'infra_error', exit_code: 127, passed: false });
    expect(e.infra_error).toMatch(/^exit 127 \(command not found\)/);
  });

  it('a missing cwd is an infrastructure error and nothing runs', async () => {
    const e = await run(`sh ${fixture('pass.sh')}`, { cwd: 'no/such/dir' });
    expect(e).toMatchObject({ outcome: 'infra_error', exit_code: null, spawn_error: { code: 'ENOTDIR' } });
    expect(file(e.stderr.path).toString()).toContain('does not exist');
  });

  it("gives the gate an allowlisted environment plus its own env, never the parent's secrets", async () => {
    const e = await run('echo "${SECRET_THING:-unset} $CI $EXTRA"', { env: { EXTRA: 'x1' } }, { env: { ...parentEnv, SECRET_THING: 's3' } });
    expect(file(e.stdout.path).toString()).toBe('unset true x1\n');
  });
});
