import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/core/events/envelope.js';
import { desktopCommand, desktopText, foldNotifyEvent, initialNotifyState, nextApprovalDue, renderBody, takeDueApprovals, takeNotifications, type Notification } from '../../../src/core/notify/index.js';

let seq = 0;
const ev = (type: string, payload: Record<string, unknown>): EventEnvelope => ({ seq: ++seq, ts: `2026-01-01T00:00:0${seq % 10}.000Z`, type, payload, prev: '', hash: '' });

function sample(over: Partial<Notification> = {}): Notification {
  return {
    trigger: 'verdict',
    goal_id: 'g1',
    status: 'not_ready',
    title: 'fix <the> bug & ship',
    headline: 'omk goal g1 finished: not_ready',
    detail: 'gate `test` fails @everyone',
    readiness: 'gate `test` fails',
    gaps: ['gate test fails'],
    question: null,
    budget: null,
    approval: null,
    repository: 'repo',
    next: 'omk goal proof g1',
    event_seq: 9,
    event_ts: '2026-01-01T00:00:09.000Z',
    ...over,
  };
}

describe('notification folding', () => {
  it('turns a verdict after the start seq into one notification with facts committed with it; earlier verdicts are not resent', () => {
    seq = 0;
    const state = initialNotifyState('g1', 3);
    foldNotifyEvent(state, ev('goal.created', { goal_id: 'g1', prompt: '\n  fix the bug\nmore words' }));
    foldNotifyEvent(state, ev('goal.status_changed', { from: 'running', to: 'needs_more_budget' })); // seq 2: before the start
    foldNotifyEvent(state, ev('goal.status_changed', { from: 'needs_more_budget', to: 'running' }));
    foldNotifyEvent(state, ev('goal.status_changed', { from: 'running', to: 'ready', reason: 'all gates pass' }));
    foldNotifyEvent(state, ev('proof.written', { round: 1, status: 'ready', readiness: 'all gates pass on abc', gaps: [], path: 'proof.json', sha256: '' }));
    foldNotifyEvent(state, ev('some.future_type', {}));
    const out = takeNotifications(state, 'repo');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ trigger: 'verdict', status: 'ready', title: 'fix the bug', readiness: 'all gates pass on abc', detail: 'all gates pass on abc', event_seq: 4 });
    expect(state.lastSeq).toBe(6);
    expect(takeNotifications(state, 'repo')).toEqual([]);
  });

  it('blocked_on_human carries the question; needs_more_budget the budget; a secret anywhere is redacted', () => {
    seq = 0;
    const state = initialNotifyState('g2', 0);
    foldNotifyEvent(state, ev('goal.created', { goal_id: 'g2', prompt: 'use ghp_abcdefghijklmnopqrstuvwxyz0123 to deploy' }));
    foldNotifyEvent(state, ev('goal.question_asked', { question_id: 'q1', question: 'how will we know?' }));
    foldNotifyEvent(state, ev('goal.status_changed', { from: 'created', to: 'blocked_on_human' }));
    foldNotifyEvent(state, ev('budget.exhausted', { dimension: 'usd', detail: 'used $2 of $1', role: 'executor', time_ms: 5 }));
    foldNotifyEvent(state, ev('goal.status_changed', { from: 'running', to: 'needs_more_budget' }));
    const [blocked, budget] = takeNotifications(state, null);
    expect(blocked).toMatchObject({ trigger: 'blocked_on_human', question: 'how will we know?', detail: 'how will we know?', title: 'use [REDACTED] to deploy', next: 'omk goal status g2' });
    expect(budget).toMatchObject({ trigger: 'needs_more_budget', budget: { dimension: 'usd', detail: 'used $2 of $1' }, detail: 'budget exhausted (usd): used $2 of $1' });
  });
});

describe('waiting approvals', () => {
  it('are due approval_wait after their request, once; a decision or a verdict settles them; an earlier notification counts', () => {
    seq = 0;
    const state = initialNotifyState('g3', 0);
    const at = (t: string, type: string, payload: Record<string, unknown>): EventEnvelope => ({ ...ev(type, payload), ts: t });
    foldNotifyEvent(state, at('2026-01-01T00:00:00.000Z', 'approval.requested', { tool_kind: 'execute', summary: 'npm publish', tool_call_id: 'a', timeout_ms: null }));
    foldNotifyEvent(state, at('2026-01-01T00:00:10.000Z', 'approval.requested', { tool_kind: 'edit', summary: 'x.js', timeout_ms: null }));
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    expect(nextApprovalDue(state, 60_000)).toBe(t0 + 60_000);
    expect(takeDueApprovals(state, t0 + 59_999, 60_000, null)).toEqual([]);
    const due = takeDueApprovals(state, t0 + 65_000, 60_000, null);
    expect(due).toMatchObject([{ trigger: 'approval_waiting', event_seq: 1, approval: { summary: 'npm publish', waiting_ms: 65_000 }, detail: 'an agent asks to execute: npm publish (waiting 65 s)' }]);
    expect(nextApprovalDue(state, 60_000)).toBe(t0 + 70_000);
    expect(takeDueApprovals(state, t0 + 999_000, 60_000, null).map((n) => n.event_seq)).toEqual([2]);
    expect(nextApprovalDue(state, 60_000)).toBeNull();

    const again = initialNotifyState('g3', 0);
    seq = 0;
    foldNotifyEvent(again, ev('approval.requested', { tool_kind: 'execute', summary: 'a', timeout_ms: null }));
    foldNotifyEvent(again, ev('notify.delivered', { target: 'h', kind: 'webhook', trigger: 'approval_waiting', trigger_seq: 1, attempts: 1, detail: 'HTTP 200' }));
    foldNotifyEvent(again, ev('approval.requested', { tool_kind: 'execute', summary: 'b', timeout_ms: null }));
    foldNotifyEvent(again, ev('approval.decided', { mode: 'ask', tool_kind: 'execute', summary: 'b', decision: 'allow', rule: 'ask:allowed', reason: 'r' }));
    expect(nextApprovalDue(again, 1)).toBeNull();
    foldNotifyEvent(again, ev('approval.requested', { tool_kind: 'execute', summary: 'c', timeout_ms: null }));
    foldNotifyEvent(again, ev('goal.status_changed', { from: 'running', to: 'cancelled' }));
    expect(nextApprovalDue(again, 1)).toBeNull();
  });
});

describe('notification formats', () => {
  it('webhook: the notification itself, versioned', () => {
    const body = renderBody('webhook', sample());
    expect(body.contentType).toBe('application/json');
    expect(JSON.parse(body.body)).toEqual({ version: 1, source: 'omk', ...sample() });
  });

  it('slack: mrkdwn control characters escaped, a fallback text, a section and a context block', () => {
    const doc = JSON.parse(renderBody('slack', sample()).body) as { text: string; blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }> };
    expect(doc.text).toBe('omk goal g1 finished: not_ready');
    expect(doc.blocks[0]!.text!.text).toContain('>fix &lt;the&gt; bug &amp; ship');
    expect(doc.blocks[1]!.elements![0]!.text).toBe('status `not_ready` · repository `repo` · next: `omk goal proof g1`');
  });

  it('discord: one embed within Discord limits, red for a failed verdict, no mention parsed', () => {
    const long = 'x'.repeat(5000);
    const doc = JSON.parse(renderBody('discord', sample({ detail: long })).body) as { content: string; allowed_mentions: unknown; embeds: Array<{ description: string; color: number; timestamp: string }> };
    expect(doc.allowed_mentions).toEqual({ parse: [] });
    expect(doc.embeds[0]!.description).toHaveLength(4096);
    expect(doc.embeds[0]!.color).toBe(0xcf222e);
    expect(doc.embeds[0]!.timestamp).toBe('2026-01-01T00:00:09.000Z');
    expect((JSON.parse(renderBody('discord', sample({ status: 'ready' })).body) as { embeds: Array<{ color: number }> }).embeds[0]!.color).toBe(0x2ea043);
  });

  it('a secret a format would carry is redacted in the rendered body', () => {
    const body = renderBody('webhook', sample({ detail: 'token xoxb-1234567890-abcdefghij leaked' })).body;
    expect(body).not.toContain('xoxb-1234567890-abcdefghij');
    expect(body).toContain('[REDACTED]');
  });

  it('desktop: notify-send on Linux (options ended), osascript with quoted strings on macOS, nothing elsewhere', () => {
    const text = desktopText(sample({ title: '-rf "quoted"' }));
    expect(desktopCommand('linux', text)).toEqual({ command: 'notify-send', args: ['--app-name=omk', '--', text.title, text.body] });
    const mac = desktopCommand('darwin', text)!;
    expect(mac.command).toBe('osascript');
    expect(mac.args[1]).toBe(`display notification "-rf \\"quoted\\"\ngate \`test\` fails @everyone\nnext: omk goal proof g1" with title "omk goal g1 finished: not_ready"`);
    expect(desktopCommand('win32', text)).toBeUndefined();
  });
});
