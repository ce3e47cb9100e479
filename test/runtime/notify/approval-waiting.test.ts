import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifySettings } from '../../../src/core/notify/index.js';
import { SqliteFeed } from '../../../src/runtime/feed/sqlite-feed.js';
import { startNotifier } from '../../../src/runtime/notify/notifier.js';
import { openStore, type SqliteStore } from '../../../src/runtime/store/sqlite-store.js';
import { startReceiver, type Receiver } from './receiver.js';

const decided = (toolCallId: string, summary: string) => ({ mode: 'ask' as const, tool_kind: 'execute', summary, decision: 'deny' as const, rule: 'ask:timeout', reason: 'r', session: 'g1', tool_call_id: toolCallId });

describe('approval_waiting', () => {
  let dir: string;
  let store: SqliteStore;
  let feed: SqliteFeed;
  let r: Receiver;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'omk-notify-'));
    const dbFile = path.join(dir, 'omk.db');
    const goalsDir = path.join(dir, 'goals');
    store = await openStore({ dbFile, goalsDir });
    await store.transaction(async (tx) => {
      await tx.createGoal({ id: 'g1', prompt: 'deploy the thing' });
      await tx.appendEvent('g1', 'goal.created', { goal_id: 'g1', prompt: 'deploy the thing' });
    });
    feed = await SqliteFeed.open({ dbFile, goalsDir });
    r = await startReceiver();
  });
  afterEach(async () => {
    await r.close();
    await feed.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an approval still waiting after approval_wait is sent once; one decided before then is not', async () => {
    const settings = notifySettings({ approval_wait: 0.05, targets: { hook: { kind: 'webhook', url: `${r.url}/hook` } } }, {});
    const notifier = startNotifier({ feed, store, goalId: 'g1', notifyAfterSeq: 1, settings, repository: 'repo', env: {}, warn: () => undefined });
    const requested = await store.transaction(async (tx) => {
      const waiting = await tx.appendEvent('g1', 'approval.requested', { tool_kind: 'execute', summary: 'npm publish', session: 'g1', tool_call_id: 'call-1', timeout_ms: null });
      // Asked and answered in one go: nobody is left waiting.
      await tx.appendEvent('g1', 'approval.requested', { tool_kind: 'execute', summary: 'rm -rf dist', session: 'g1', tool_call_id: 'call-2', timeout_ms: null });
      await tx.appendEvent('g1', 'approval.decided', decided('call-2', 'rm -rf dist'));
      return waiting;
    });
    await r.waitFor(1);
    await store.transaction((tx) => tx.appendEvent('g1', 'approval.decided', decided('call-1', 'npm publish')));
    await notifier.finish({ untilSeq: (await store.eventHead('g1')).seq });

    expect(r.received).toHaveLength(1);
    const body = r.received[0]!.json as Record<string, unknown>;
    expect(body).toMatchObject({
      trigger: 'approval_waiting',
      goal_id: 'g1',
      title: 'deploy the thing',
      headline: 'omk goal g1 is waiting for an approval',
      approval: { tool_kind: 'execute', summary: 'npm publish' },
      event_seq: requested.seq,
      next: 'omk goal watch g1',
    });
    expect((body.approval as { waiting_ms: number }).waiting_ms).toBeGreaterThanOrEqual(50);
    const log = await store.readEvents('g1');
    expect(log.filter((e) => e.type.startsWith('notify.')).map((e) => ({ type: e.type, ...(e.payload as object) }))).toMatchObject([
      { type: 'notify.delivered', target: 'hook', trigger: 'approval_waiting', trigger_seq: requested.seq, attempts: 1 },
    ]);
  });
});
