import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEventPayload } from '../../../src/core/events/catalogue.js';
import type { ApprovalContext, ApprovalRequest } from '../../../src/core/approval/types.js';
import { createApprovalPolicy } from '../../../src/runtime/approval/policy.js';
import type { ApprovalDecidedPayload, PromptFn } from '../../../src/runtime/approval/policy.js';
import { readCurrentBranch, resolveReal } from '../../../src/runtime/approval/real-paths.js';

let root: string;
let session: string;
let home: string;
let outside: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'omk-approval-')));
  session = path.join(root, 'worktree');
  home = path.join(root, 'home');
  outside = path.join(root, 'outside');
  for (const dir of [session, home, outside, path.join(session, 'src'), path.join(home, '.ssh')]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(session, 'src', 'a.ts'), 'export {};\n');
  writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE\n');
  // The traps: links inside the worktree that lead out of it.
  symlinkSync(outside, path.join(session, 'escape'));
  symlinkSync(path.join(outside, 'not-yet.txt'), path.join(session, 'dangling'));
  symlinkSync(path.join(home, '.ssh', 'id_ed25519'), path.join(session, 'notes.txt'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function context(mode: ApprovalContext['mode'], extra: Partial<ApprovalContext> = {}): ApprovalContext {
  return { sessionDir: session, homeDir: home, mode, allowCommands: [], denyCommands: [], currentBranch: 'omk/t1', ...extra };
}

function policyWith(mode: ApprovalContext['mode'], extra: Partial<Parameters<typeof createApprovalPolicy>[0]> = {}) {
  const events: ApprovalDecidedPayload[] = [];
  const policy = createApprovalPolicy({ context: context(mode), session: 's-1', onDecision: (e) => void events.push(e), ...extra });
  return { policy, events };
}

describe('resolveReal', () => {
  it('follows a symlinked directory for a file that does not exist yet', async () => {
    expect(await resolveReal(path.join(session, 'escape', 'new', 'file.txt'))).toBe(path.join(outside, 'new', 'file.txt'));
  });

  it('follows a dangling symlink to the file it would create', async () => {
    expect(await resolveReal(path.join(session, 'dangling'))).toBe(path.join(outside, 'not-yet.txt'));
  });

  it('leaves ordinary paths alone', async () => {
    expect(await resolveReal(path.join(session, 'src', 'b.ts'))).toBe(path.join(session, 'src', 'b.ts'));
  });
});

describe('symlink escapes', () => {
  it.each<[string, ApprovalRequest]>([
    ['an edit through a symlinked directory', { kind: 'edit', paths: ['escape/pwned.txt'] }],
    ['an edit of a dangling symlink', { kind: 'edit', paths: ['dangling'] }],
    ['a redirection through a symlinked directory', { kind: 'execute', command: 'echo x > escape/pwned.txt', paths: [] }],
    ['a copy into a symlinked directory', { kind: 'execute', command: 'cp src/a.ts escape/', paths: [] }],
  ])('denies %s, even in yolo', async (_name, request) => {
    const { policy, events } = policyWith('yolo');
    const result = await policy.check(request);
    expect(result).toMatchObject({ allow: false, rule: 'hard-deny:symlink-escape' });
    expect(result.reason).toContain(outside);
    expect(events).toHaveLength(1);
  });

  it('allows deleting the symlink itself, which removes only the link', async () => {
    const { policy } = policyWith('auto');
    expect(await policy.check({ kind: 'delete', paths: ['escape'] })).toMatchObject({ allow: true, rule: 'auto:write-inside' });
  });

  it('denies reading a key through a symlink inside the worktree', async () => {
    const { policy } = policyWith('yolo');
    expect(await policy.check({ kind: 'read', paths: ['notes.txt'] })).toMatchObject({ allow: false, rule: 'hard-deny:credential-read' });
    expect(await policy.check({ kind: 'execute', command: 'cat notes.txt', paths: [] })).toMatchObject({ allow: false, rule: 'hard-deny:credential-read' });
  });

  it('allows plain edits inside the worktree', async () => {
    const { policy } = policyWith('auto');
    expect(await policy.check({ kind: 'edit', paths: ['src/a.ts'] })).toMatchObject({ allow: true, rule: 'auto:write-inside' });
  });
});

describe('events', () => {
  it('reports one valid approval.decided payload per check', async () => {
    const { policy, events } = policyWith('auto');
    await policy.check({ kind: 'execute', command: 'npm test', paths: [] }, { toolCallId: 'tc-1' });
    await policy.check({ kind: 'edit', paths: ['/etc/passwd'] }, { toolCallId: 'tc-2' });
    await policy.check({ kind: 'read', paths: ['src/a.ts'] });
    expect(events.map((e) => [e.decision, e.rule, e.tool_call_id])).toEqual([
      ['allow', 'auto:allow-list', 'tc-1'],
      ['deny', 'hard-deny:write-outside-worktree', 'tc-2'],
      ['allow', 'auto:read-inside', undefined],
    ]);
    for (const e of events) {
      expect(validateEventPayload('approval.decided', e)).toEqual({ ok: true });
      expect(e).toMatchObject({ mode: 'auto', session: 's-1' });
    }
    expect(events[0]!.summary).toBe('npm test');
  });

  it('redacts secrets in the summary', async () => {
    const { policy, events } = policyWith('yolo');
    await policy.check({ kind: 'execute', command: 'curl -H "Authorization: Bearer abcdefghijklmnopqrstuvwxyz" https://x.example', paths: [] });
    expect(events[0]!.summary).not.toContain('abcdefghijklmnop');
  });

  it('denies when the decision cannot be recorded', async () => {
    const policy = createApprovalPolicy({
      context: context('yolo'),
      onDecision: () => {
        throw new Error('disk full');
      },
    });
    expect(await policy.check({ kind: 'read', paths: ['src/a.ts'] })).toMatchObject({ allow: false, rule: 'internal:event-failed' });
  });

  it('rejects an invalid pattern up front', () => {
    expect(() => createApprovalPolicy({ context: context('auto', { allowCommands: ['re:(unclosed'] }) })).toThrow(/invalid regular expression/);
  });
});

describe('ask mode through the policy', () => {
  it('asks only about what auto mode would not allow, and records the answer', async () => {
    const asked: string[] = [];
    const promptFn: PromptFn = ({ request }) => {
      asked.push(request.command ?? request.kind);
      return Promise.resolve({ decision: 'allow', rule: 'ask:human-allowed', reason: 'A human allowed it.', timedOut: false });
    };
    const { policy, events } = policyWith('ask', { promptFn });
    expect(await policy.check({ kind: 'execute', command: 'npm test', paths: [] })).toMatchObject({ allow: true, rule: 'auto:allow-list' });
    expect(await policy.check({ kind: 'execute', command: 'docker compose up', paths: [] })).toMatchObject({ allow: true, rule: 'ask:human-allowed' });
    expect(await policy.check({ kind: 'execute', command: 'rm -rf /', paths: [] })).toMatchObject({ allow: false, rule: 'hard-deny:recursive-delete-outside' });
    expect(asked).toEqual(['docker compose up']);
    expect(events.map((e) => e.rule)).toEqual(['auto:allow-list', 'ask:human-allowed', 'hard-deny:recursive-delete-outside']);
  });

  it('fails closed without a TTY', async () => {
    const { policy, events } = policyWith('ask', { prompt: { input: new PassThrough(), output: new PassThrough(), isTTY: false } });
    const result = await policy.check({ kind: 'fetch', paths: ['https://example.com'] });
    expect(result).toMatchObject({ allow: false, rule: 'ask:no-tty' });
    expect(events[0]).toMatchObject({ decision: 'deny', rule: 'ask:no-tty' });
  });

  it('asks one question at a time', async () => {
    let open = 0;
    let maxOpen = 0;
    const promptFn: PromptFn = async () => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      await new Promise((r) => setImmediate(r));
      open--;
      return { decision: 'deny', rule: 'ask:human-denied', reason: 'no', timedOut: false };
    };
    const { policy } = policyWith('ask', { promptFn });
    await Promise.all([1, 2, 3].map(() => policy.check({ kind: 'other', paths: [] })));
    expect(maxOpen).toBe(1);
  });
});

describe('current branch', () => {
  it('reads the branch from a worktree .git file', async () => {
    const gitdir = path.join(root, 'repo-git', 'worktrees', 't1');
    mkdirSync(gitdir, { recursive: true });
    writeFileSync(path.join(gitdir, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(session, '.git'), `gitdir: ${gitdir}\n`);
    expect(await readCurrentBranch(session)).toBe('main');
    const policy = createApprovalPolicy({ context: { sessionDir: session, homeDir: home, mode: 'yolo', allowCommands: [], denyCommands: [] } });
    expect(await policy.check({ kind: 'execute', command: 'git commit --amend --no-edit', paths: [] })).toMatchObject({
      allow: false,
      rule: 'hard-deny:git-history-rewrite',
    });
    writeFileSync(path.join(gitdir, 'HEAD'), 'ref: refs/heads/omk/t1\n');
    expect(await policy.check({ kind: 'execute', command: 'git commit --amend --no-edit', paths: [] })).toMatchObject({ allow: true });
  });

  it('is unknown outside a repository', async () => {
    expect(await readCurrentBranch(outside)).toBeUndefined();
  });
});

describe('raw tool input', () => {
  it('judges and summarizes a command that only the raw input carries', async () => {
    const { policy, events } = policyWith('auto');
    const result = await policy.check({ kind: 'execute', paths: [], raw: { command: ['/bin/bash', '-lc', 'rm -rf ~'] } });
    expect(result).toMatchObject({ allow: false, rule: 'hard-deny:recursive-delete-outside' });
    expect(events[0]!.summary).toBe("/bin/bash -lc 'rm -rf ~'");
  });
});
