import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, createWorktree, listWorktrees, removeWorktree, withWorktreeLock } from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

const lockFile = () => path.join(sb.repo, '.git', LOCK_FILE);

describe('worktree lock', () => {
  it('is released after use, also when the work throws', async () => {
    await withWorktreeLock(sb.ctx, () => Promise.resolve(expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid))));
    expect(existsSync(lockFile())).toBe(false);
    await expect(withWorktreeLock(sb.ctx, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lockFile())).toBe(false);
  });

  it('serialises callers in one process', async () => {
    const order: string[] = [];
    const first = withWorktreeLock(sb.ctx, async () => {
      order.push('first:start');
      await listWorktrees({ ...sb.ctx, cwd: path.join(sb.repo, 'src') }); // re-entrant from a subdirectory
      order.push('first:end');
    });
    const second = withWorktreeLock(sb.ctx, () => Promise.resolve(void order.push('second')));
    await Promise.all([first, second]);
    // Mutual exclusion, not call order (each caller first asks git for the common dir).
    expect([
      ['first:start', 'first:end', 'second'],
      ['second', 'first:start', 'first:end'],
    ]).toContainEqual(order);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const child = spawn('true');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    writeFileSync(lockFile(), `${child.pid}\n`);
    const created = await createWorktree(sb.ctx, { path: path.join(sb.dir, 'wt'), branch: 'omk/g/t', base: 'HEAD', goalId: 'g', taskId: 't' });
    expect(existsSync(created.path)).toBe(true);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('waits for a live owner in another process, never stealing its lock', async () => {
    const holder = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      writeFileSync(lockFile(), `${holder.pid}\n`);
      let ran = false;
      let sawBusy!: (pid: number | undefined) => void;
      const busy = new Promise<number | undefined>((resolve) => (sawBusy = resolve));
      const pending = withWorktreeLock(
        sb.ctx,
        () => {
          ran = true;
          return listWorktrees(sb.ctx);
        },
        { onBusy: (pid) => sawBusy(pid) },
      );
      expect(await busy).toBe(holder.pid);
      expect(ran).toBe(false);
      expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(holder.pid));
      rmSync(lockFile()); // the holder releases it
      expect(await pending).toHaveLength(1);
      expect(ran).toBe(true);
    } finally {
      holder.kill();
    }
  });

  it('an abandon recorder may use the git layer while removal holds the lock', async () => {
    const wt = await createWorktree(sb.ctx, { path: path.join(sb.dir, 'wt'), branch: 'omk/g/t', base: 'HEAD', goalId: 'g', taskId: 't' });
    sb.write({ 'wip.txt': 'x' }, wt.path);
    let seen = 0;
    const result = await removeWorktree(sb.ctx, {
      path: wt.path,
      force: 'abandon',
      onAbandon: async () => {
        seen = (await listWorktrees(sb.ctx)).length;
      },
    });
    expect(result.removed).toBe(true);
    expect(seen).toBe(2);
  });
});
