import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/defaults.js';
import { buildReviewWall } from '../../../src/core/review/wall.js';
import { createWorktree, integrationBranchName, integrationWorktreeDir } from '../../../src/runtime/git/index.js';
import { scopeOf, type GoalRuntime, type GoalScope } from '../../../src/runtime/goal/context.js';
import type { AgentTurnRequest, EnginePort } from '../../../src/runtime/goal/engine-port.js';
import { askReviewer, type ReviewerInput } from '../../../src/runtime/goal/review-agent.js';
import { openStore, type SqliteStore } from '../../../src/runtime/store/sqlite-store.js';

const VERDICT = JSON.stringify({ sections: { code: { status: 'pass', notes: 'fine' } } });

/**
 * One reviewer turn against a real integration worktree. The engine port is a stand-in for an agent
 * that ignores read-only mode and writes without asking (real ACP agents can): omk must notice and undo it.
 */
describe('askReviewer', () => {
  let base: string;
  let root: string;
  let store: SqliteStore;
  let scope: GoalScope;
  let head: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: base, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();

  beforeEach(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'omk-review-turn-'));
    root = path.join(base, 'repo');
    mkdirSync(root);
    git('init', '-q', '-b', 'main');
    writeFileSync(path.join(root, 'a.txt'), 'a\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'a');
    head = git('rev-parse', 'HEAD');
    store = await openStore({ dbFile: path.join(base, 'omk.db'), goalsDir: path.join(base, 'goals') });
    await store.transaction((tx) => tx.createGoal({ id: 'g-1', prompt: 'p' }));
    const rt: GoalRuntime = {
      store,
      repoRoot: root,
      goalsDir: path.join(base, 'goals'),
      worktreesRoot: path.join(base, 'worktrees'),
      env: { PATH: process.env.PATH, HOME: base },
      homeDir: base,
      config: defaultConfig(),
      gates: [],
      engine: undefined,
      now: () => new Date(),
      randomHex: () => '0000',
      signal: new AbortController().signal,
      progress: () => undefined,
      owner: 'test',
    };
    scope = scopeOf(rt, 'g-1');
  });
  afterEach(async () => {
    await store.close();
    rmSync(base, { recursive: true, force: true });
  });

  const integration = () => path.join(base, 'worktrees', integrationWorktreeDir('g-1'));
  const openIntegration = () =>
    createWorktree({ cwd: root, env: { PATH: process.env.PATH, HOME: base } }, { path: integration(), branch: integrationBranchName('g-1'), base: head, goalId: 'g-1', taskId: 'integration' });
  const input = (): ReviewerInput => ({
    request: 'p',
    baseSha: head,
    headSha: head,
    round: 1,
    files: [],
    patch: '',
    checks: buildReviewWall({ diff: { unified: '', files: [] }, headSha: head }).sections,
  });
  const port = (turn: (req: AgentTurnRequest) => string): EnginePort & { asked: AgentTurnRequest[] } => {
    const asked: AgentTurnRequest[] = [];
    return {
      name: 'stub',
      asked,
      runTurn(req) {
        asked.push(req);
        return Promise.resolve({ started: true, stopReason: 'end_turn', text: turn(req), usage: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0, exact: true }, costUsd: 0, model: 'm' });
      },
    };
  };

  it('runs read-only in the integration worktree, records its cost, and reads the verdict', async () => {
    await openIntegration();
    const reviewer = port(() => VERDICT);
    const { turn, record } = await askReviewer(scope, reviewer, input());
    expect(reviewer.asked[0]).toMatchObject({ role: 'reviewer', mode: 'plan', cwd: integration() });
    expect(turn.outcome).toBe('answered');
    expect(record).toMatchObject({ engine: 'stub', model: 'm', outcome: 'answered', transcript: 'transcripts/_reviewer/1.jsonl', warnings: [] });
    expect(record.opinions).toEqual([{ section: 'code', reviewer: 'stub:m', status: 'pass', notes: 'fine', reviewed_sha: head }]);
    expect(record.missing.map((m) => m.section)).toEqual(['architect', 'tests', 'security', 'performance', 'anti_slop']);
    const costs = (await store.readEvents('g-1')).filter((e) => e.type === 'cost.recorded').map((e) => e.payload);
    expect(costs).toEqual([{ source: 'reviewer', tokens_in: 10, tokens_out: 5, usd: 0 }]);
    // The policy it was handed denies writes: plan mode.
    const decision = await reviewer.asked[0]!.approve({ kind: 'edit', title: 'write', paths: [path.join(integration(), 'x.txt')] }, new AbortController().signal);
    expect(decision).toMatchObject({ allow: false, rule: 'plan:read-only' });
  });

  it('discards files a reviewer wrote despite read-only mode and says so', async () => {
    await openIntegration();
    const { turn, record } = await askReviewer(
      scope,
      port((req) => {
        writeFileSync(path.join(req.cwd, 'sneaky.txt'), 'x');
        writeFileSync(path.join(req.cwd, 'a.txt'), 'changed\n');
        return VERDICT;
      }),
      input(),
    );
    expect(existsSync(path.join(integration(), 'sneaky.txt'))).toBe(false);
    expect(readFileSync(path.join(integration(), 'a.txt'), 'utf8')).toBe('a\n');
    expect(record.warnings).toEqual(['changed a.txt, sneaky.txt although it was read-only; omk discarded the changes']);
    expect(turn.warnings).toEqual(record.warnings);
  });

  it('does not run without an integration worktree at the reviewed head', async () => {
    const reviewer = port(() => VERDICT);
    const missing = await askReviewer(scope, reviewer, input());
    expect(missing.record).toMatchObject({ outcome: 'not_run', transcript: null });
    expect(missing.record.detail).toMatch(/integration worktree .* is missing/);
    await openIntegration();
    writeFileSync(path.join(root, 'b.txt'), 'b\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'b');
    const moved = await askReviewer(scope, reviewer, { ...input(), headSha: git('rev-parse', 'HEAD') });
    expect(moved.record.detail).toMatch(/integration worktree is at [0-9a-f]{12}, not the reviewed head/);
    expect(reviewer.asked).toHaveLength(0);
  });
});
