import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommittedMessage, LiveMessage } from '../../src/core/feed/feed.js';
import { SqliteFeed } from '../../src/runtime/feed/sqlite-feed.js';
import { BUILT, spawnOmk, until } from '../runtime/goal/cli-child.js';
import { commitFiles, useFakeAgent } from '../runtime/goal/parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

/**
 * The goal feed across processes (docs/goal-view.md): a controller runs in a child process; this
 * process subscribes, disconnects half-way, resumes from the last seq it saw, and must have seen every
 * committed event exactly once, in order — and the agent's tool call live, while its attempt ran.
 */
describe.skipIf(!BUILT)('the goal feed across processes (needs npm run build)', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
  });
  afterEach(() => repo.cleanup());

  it('another process sees every committed event once, in order, resumes after a disconnect, and sees tool calls mid-attempt', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], {
      'part-a ': [{ run: { command: 'echo working' } }, { sleep_ms: 1500 }, { edit: { path: 'a.js', content: "export const a = 'a';\n" } }, { say: 'done' }],
    });
    const dbFile = path.join(repo.root, '.omk', 'omk.db');
    const controller = spawnOmk(['goal', 'run', 'do the work', '--json'], repo.root, repo.env);
    // A goal directory exists once the controller's store is created and migrated.
    const goalsDir = path.join(repo.root, '.omk', 'goals');
    await until(() => existsSync(goalsDir) && readdirSync(goalsDir).length > 0, 20_000);
    const feed = await SqliteFeed.open({ dbFile, goalsDir: path.join(repo.root, '.omk', 'goals') });
    try {
      const seen: CommittedMessage[] = [];
      const live: Array<{ msg: LiveMessage; afterSeq: number }> = [];
      // First connection: read a few events, then drop it.
      const first = new AbortController();
      for await (const m of feed.subscribe({ afterSeq: 0, signal: first.signal })) {
        if (m.kind === 'event') seen.push(m);
        if (seen.length >= 3) first.abort();
      }
      const goalId = seen[0]!.event.goal_id;
      // Reconnect to that goal from the last seq seen, until its verdict is recorded.
      const second = new AbortController();
      for await (const m of feed.subscribe({ goal: goalId, afterSeq: seen.at(-1)!.event.seq, signal: second.signal })) {
        if (m.kind === 'event') {
          seen.push(m);
          if (m.event.type === 'proof.written') second.abort();
        } else if (m.kind === 'live') live.push({ msg: m, afterSeq: seen.at(-1)!.event.seq });
      }
      const done = await controller.done;
      expect(done.code, done.stderr).toBe(0);
      const seqs = seen.map((m) => m.event.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      // Every event a subscriber saw is the committed one: same hashes as the store's own log.
      const { openStore } = await import('../../src/runtime/store/sqlite-store.js');
      const store = await openStore({ dbFile, goalsDir: path.join(repo.root, '.omk', 'goals'), readOnly: true });
      const stored = await store.readEvents(goalId, { toSeq: seqs.at(-1)! });
      await store.close();
      expect(seen.map((m) => m.event.hash)).toEqual(stored.map((e) => e.hash));
      expect(seen.every((m) => m.typed !== undefined && m.typed.type === m.event.type)).toBe(true);

      // The agent's command was seen live after its attempt started and before it finished.
      const started = seen.find((m) => m.event.type === 'task.started')!.event.seq;
      const finished = seen.find((m) => m.event.type === 'task.attempt_finished')!.event.seq;
      const toolCall = live.find((l) => l.msg.activity.kind === 'tool_call' && l.msg.activity.status === 'started' && l.msg.activity.command?.includes('echo working'));
      expect(toolCall, JSON.stringify(live.map((l) => l.msg.activity))).toBeDefined();
      expect(toolCall!.msg).toMatchObject({ goal_id: goalId, task_id: 'part-a', attempt: 1, role: 'executor' });
      expect(toolCall!.afterSeq).toBeGreaterThanOrEqual(started);
      expect(toolCall!.afterSeq).toBeLessThan(finished);
      expect(live.some((l) => l.msg.activity.kind === 'approval' && l.msg.activity.decision === 'allow')).toBe(true);
    } finally {
      await feed.close();
    }
  }, 60_000);
});
