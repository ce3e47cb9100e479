import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/approval/decide.js';
import type { ApprovalContext, ApprovalMode } from '../../../src/core/approval/types.js';

/**
 * Shell tricks that must not get a hard-denied action past `decide()`, even in `yolo` with every
 * rule allowing. Each was allowed before its fix.
 */

const SESSION = '/work/repo/.omk/worktrees/g1/t1';
const HOME = '/home/dev';

function ctx(mode: ApprovalMode): ApprovalContext {
  return {
    sessionDir: SESSION,
    homeDir: HOME,
    mode,
    allowCommands: [],
    denyCommands: [],
    rules: [{ command: '*', action: 'allow' }],
    currentBranch: 'omk/g1-t1',
    baseRef: 'main',
  };
}

const run = (command: string, mode: ApprovalMode = 'yolo') => decide({ kind: 'execute', command, paths: [] }, ctx(mode));

describe('hard denies hold against shell tricks (yolo)', () => {
  it.each([
    // wrappers whose own syntax hid the real program
    ['env -- rm -rf /tmp/x', 'hard-deny:recursive-delete-outside'],
    ["env -- sh -c 'rm -rf /tmp/x'", 'hard-deny:recursive-delete-outside'],
    ['time -p rm -rf /tmp/x', 'hard-deny:recursive-delete-outside'],
    // package runners run their package's binary with the rest of the arguments
    ['npm exec -- rimraf /tmp/x', 'hard-deny:recursive-delete-outside'],
    ['npm exec rimraf /tmp/x', 'hard-deny:recursive-delete-outside'],
    ['npm x -- rimraf /tmp/x', 'hard-deny:recursive-delete-outside'],
    ['pnpm dlx rimraf /tmp/x', 'hard-deny:recursive-delete-outside'],
    ['yarn dlx rimraf /tmp/x', 'hard-deny:recursive-delete-outside'],
    ['bun x rimraf /tmp/x', 'hard-deny:recursive-delete-outside'],
    ["npx sh -c 'rm -rf /tmp/x'", 'hard-deny:recursive-delete-outside'],
    ['npx git push -f', 'hard-deny:git-force-push'],
    // git configuration that makes git run a command or push differently
    ["git -c alias.x='!sh -c \"rm -rf /tmp/x\"' x", 'hard-deny:recursive-delete-outside'],
    ["git -c alias.x='!f() { rm -rf /tmp; }; f' x", 'hard-deny:'],
    ["git -c alias.p='push --force' p", 'hard-deny:git-force-push'],
    ['git -c alias.p=push p origin main', 'hard-deny:git-push-protected'],
    ["git -c core.pager='sh -c \"echo hi > /tmp/x\"' log", 'hard-deny:write-outside-worktree'],
    ["git -c core.sshCommand='touch /tmp/x' fetch", 'hard-deny:write-outside-worktree'],
    ['git -c core.hooksPath=/tmp/h commit -m x', 'hard-deny:unparseable-command'],
    ['git -c remote.origin.mirror=true push', 'hard-deny:unparseable-command'],
    ['git --config-env=alias.x=EVIL x', 'hard-deny:unparseable-command'],
    ["GIT_SSH_COMMAND='rm -rf /tmp/x' git fetch", 'hard-deny:recursive-delete-outside'],
    ['GIT_DIR=/tmp/r/.git git commit -m x', 'hard-deny:write-outside-worktree'],
    ['GIT_WORK_TREE=/tmp git checkout -- .', 'hard-deny:write-outside-worktree'],
    // `git config` in a linked worktree writes the repository's shared config, outside the worktree
    ["git config alias.x '!rm -rf ~'", 'hard-deny:write-outside-worktree'],
    ["git config core.fsmonitor 'rm -rf /tmp'", 'hard-deny:write-outside-worktree'],
    ['git config core.hooksPath /tmp', 'hard-deny:write-outside-worktree'],
    ["git config -f ~/.gitconfig core.pager 'rm -rf ~'", 'hard-deny:write-outside-worktree'],
    ['git config --file=/tmp/x a.b c', 'hard-deny:write-outside-worktree'],
    // worktrees of other tasks, or new ones, are outside this one
    ['git worktree add /tmp/wt', 'hard-deny:write-outside-worktree'],
    ['git worktree remove --force /work/repo/.omk/worktrees/g1/t2', 'hard-deny:'],
    // a link made by the command itself, then written through
    ['ln -s /tmp x && echo hi > x/y', 'hard-deny:write-outside-worktree'],
    ['ln -s /etc/passwd p; echo x >> p', 'hard-deny:write-outside-worktree'],
    ['ln -s ../../../../../.. up && rm -rf up/x', 'hard-deny:recursive-delete-outside'],
    ['ln /home/dev/.bashrc b; echo evil >> b', 'hard-deny:write-outside-worktree'],
    ['ln -sf /tmp dir && cp a dir/', 'hard-deny:write-outside-worktree'],
    // a shell told to read its script from stdin
    ["bash -s -- a <<< 'rm -rf /tmp/x'", 'hard-deny:recursive-delete-outside'],
    ["sh /dev/stdin <<< 'rm -rf /tmp/x'", 'hard-deny:recursive-delete-outside'],
    // credential directories, whole or by pattern
    ['cat ~/.aws/*', 'hard-deny:credential-read'],
    ['cat /home/dev/.aws/credential?', 'hard-deny:credential-read'],
    ['tar czf x.tgz ~/.aws', 'hard-deny:credential-read'],
    ['cp -r ~/.config/gh .', 'hard-deny:credential-read'],
    ['grep -r token ~/.docker', 'hard-deny:credential-read'],
    // programs that run the command they are given, which omk does not follow
    ['flock /tmp/l rm -rf /tmp/x', 'hard-deny:'],
    ["script -qc 'rm -rf /tmp/x' /dev/null", 'hard-deny:'],
    ['systemd-run rm -rf /tmp/x', 'hard-deny:'],
    ['at now -f job.sh', 'hard-deny:'],
  ])('%s', (command, rule) => {
    const d = run(command);
    expect(d.decision, d.reason).toBe('deny');
    expect(d.rule).toContain(rule);
  });
});

describe('ordinary commands still pass', () => {
  it.each([
    'git -c core.pager=cat log --oneline',
    'git -c color.ui=never status',
    'git -c user.name=omk -c user.email=omk@example.com commit -m x',
    'git config user.email',
    'git config --get core.pager',
    'ln -s ../shared/config.ts src/config.ts && echo x > src/config.ts',
    'ln -s /tmp/outside link',
    'cat ~/.aws/config-notes.md',
    'npx vitest run',
    'npm exec vitest -- run',
    'time npm test',
    'env -- npm test',
    'bash -s < script.sh',
  ])('%s', (command) => {
    const d = run(command);
    expect(d.decision, d.reason).toBe('allow');
  });

  it('keeps `npx vitest` and `npm exec vitest` on the auto allow list', () => {
    expect(run('npx vitest run', 'auto').decision).toBe('allow');
    expect(run('pnpm exec vitest run', 'auto').decision).toBe('allow');
  });
});
