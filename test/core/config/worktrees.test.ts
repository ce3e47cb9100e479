import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/core/config/resolve.js';

const PROJECT = '/repo/.omk/config.toml';
const resolve = (worktrees: Record<string, unknown>, env: Record<string, string> = {}) =>
  resolveConfig({ project: { file: PROJECT, values: { worktrees } }, env });

describe('[worktrees] config', () => {
  it('takes a root (relative or absolute), a setup command and its timeout', () => {
    for (const root of ['.omk/worktrees', '../wt', '/var/tmp/omk-worktrees', 'a/../b']) {
      expect(resolve({ root }).problems, root).toEqual([]);
    }
    const { values, problems } = resolve({ setup: 'npm ci', setup_timeout: '15m' });
    expect(problems).toEqual([]);
    expect(values.worktrees).toEqual({ root: '.omk/worktrees', setup: 'npm ci', setup_timeout: '15m' });
  });

  it('takes the setup command from OMK_WORKTREES__SETUP', () => {
    const { values, problems } = resolveConfig({ env: { OMK_WORKTREES__SETUP: 'pnpm install --frozen-lockfile' } });
    expect(problems).toEqual([]);
    expect(values.worktrees.setup).toBe('pnpm install --frozen-lockfile');
  });

  it.each(['', '.', './', 'a/..', '.git/worktrees'])('refuses root %j: the checkout itself or inside .git', (root) => {
    expect(resolve({ root }).problems.map((p) => p.message)).toEqual([
      `${PROJECT}: worktrees.root: expected a directory for worktrees, relative to the repository root or absolute (not the checkout itself, not inside .git), found ${JSON.stringify(root)}`,
    ]);
  });

  it('refuses an empty setup command and a malformed timeout, naming file and key', () => {
    const messages = resolve({ setup: '  ', setup_timeout: 'soon' }).problems.map((p) => p.message);
    expect(messages).toContain(`${PROJECT}: worktrees.setup: expected a shell command run in each new worktree, e.g. "npm ci" (or no key at all), found "  "`);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: worktrees.setup_timeout: expected a duration`))).toBe(true);
  });
});
