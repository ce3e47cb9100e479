import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertBranchName,
  checkBranchName,
  integrationBranchName,
  integrationWorktreeDir,
  isValidBranchName,
  refComponent,
  taskBranchName,
  taskWorktreeDir,
} from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('ref naming', () => {
  it('keeps clean ids as they are', () => {
    expect(taskBranchName('g-01hx', 't1')).toBe('omk/g-01hx/t1');
    expect(integrationBranchName('g-01hx')).toBe('omk/g-01hx/integration');
    expect(taskWorktreeDir('g-01hx', 'write_tests')).toBe('g-01hx/write_tests');
    expect(integrationWorktreeDir('g-01hx')).toBe('g-01hx/integration');
  });

  it('sanitises other ids and keeps them apart with a hash suffix', () => {
    const a = refComponent('Fix bug');
    const b = refComponent('fix-bug');
    expect(a).toMatch(/^fix-bug-[0-9a-f]{8}$/);
    expect(b).toBe('fix-bug');
    expect(a).not.toBe(b);
    expect(refComponent('FIX BUG')).not.toBe(a);
    expect(refComponent('a..b/c.lock')).toMatch(/^a-b-c-lock-[0-9a-f]{8}$/);
    expect(refComponent('...')).toMatch(/^id-[0-9a-f]{8}$/);
    expect(refComponent('日本語')).toMatch(/^id-[0-9a-f]{8}$/);
    expect(refComponent('x'.repeat(200)).length).toBeLessThanOrEqual(48 + 9);
    expect(() => refComponent('  ')).toThrow(/empty id/);
  });

  it('a task called "integration" cannot take the integration branch', () => {
    expect(taskBranchName('g', 'integration')).toMatch(/^omk\/g\/integration-[0-9a-f]{8}$/);
    expect(taskBranchName('g', 'integration')).not.toBe(integrationBranchName('g'));
    expect(taskWorktreeDir('g', 'integration')).not.toBe(integrationWorktreeDir('g'));
  });

  it('every generated name passes git check-ref-format', async () => {
    const ids = ['Fix bug', '-lead', 'trail.', 'a..b', 'x@{y}', 'back\\slash', 'tab\there', '.hidden', 'end.lock', '日本語', 'integration'];
    for (const id of ids) {
      const name = taskBranchName(id, id);
      expect(isValidBranchName(name)).toBe(true);
      expect(await checkBranchName(sb.ctx, name)).toBe(true);
    }
  });

  it('the pure validator agrees with git on bad names', async () => {
    const bad = ['-x', 'a..b', 'a/.b', 'a.lock', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', 'a@{1}', 'a//b', 'a/', '/a', 'a.', '@', ''];
    for (const name of bad) {
      expect(isValidBranchName(name), name).toBe(false);
      // check-ref-format accepts a bare `@` (only `git branch @` refuses it), so assertBranchName asks both.
      if (name !== '' && name !== '@') expect(await checkBranchName(sb.ctx, name), name).toBe(false);
    }
    await expect(assertBranchName(sb.ctx, 'a..b')).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('check-ref-format') });
    await expect(assertBranchName(sb.ctx, '@')).rejects.toMatchObject({ code: 'usage' });
    await expect(assertBranchName(sb.ctx, 'omk/g/t')).resolves.toBeUndefined();
  });
});
