import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/core/bus.js';
import type { BusMessage, EventBus } from '../../src/core/bus.js';
import type { Logger } from '../../src/runtime/logger.js';
import { ESCALATION_LOG_FILE, startEscalationLog } from '../../src/runtime/escalation-log.js';

const FIELDS = ['ts', 'kind', 'goal_id', 'intent', 'summary', 'confidence', 'auto_proceed'];

function captureLogger(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    debug: () => undefined,
    info: () => undefined,
    warn: (m, f) => void warnings.push(f ? `${m} ${JSON.stringify(f)}` : m),
    error: (m) => void errors.push(m),
  };
}

function ts(i: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, 0, 0, i)).toISOString();
}

function started(i: number, task = `task ${i}`): BusMessage {
  return { type: 'worker.started', ts: ts(i), payload: { worker_id: `w${i}`, kind: 'edit', task } };
}

async function readLines(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let dir: string;
let bus: EventBus;
let busErrors: unknown[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omk-esc-'));
  busErrors = [];
  bus = createEventBus({ onError: (error) => busErrors.push(error) });
});

afterEach(async () => {
  await bus.close();
  expect(busErrors).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

describe('escalation log writer', () => {
  it('writes one seven-field JSON line per escalation event, in order, and nothing for other events', async () => {
    const logger = captureLogger();
    const sessionDir = path.join(dir, 'sessions', 's1');
    const writer = startEscalationLog({ bus, sessionDir, logger });
    expect(writer.path).toBe(path.join(sessionDir, ESCALATION_LOG_FILE));

    bus.publish({ type: 'classifier.decided', ts: ts(0), payload: { intent: 'large', confidence: 0.9, latency_ms: 3, reasoning: 'r', cached: false, fallback: false } });
    bus.publish({ type: 'router.escalated', ts: ts(1), payload: { intent: 'trivial', target_mode: 'direct-llm', preflight: false } });
    bus.publish({ type: 'router.escalated', ts: ts(2), payload: { intent: 'large', target_mode: 'goal-run', preflight: false, confidence: 0.91 } });
    bus.publish({ type: 'goal.created', ts: ts(3), payload: { goal_id: 'g1', prompt: 'p', parent_id: 'chat' } });
    bus.publish({ type: 'cost.recorded', ts: ts(4), payload: { source: 'llm', tokens_in: 1, tokens_out: 1, usd: 0 } });
    bus.publish(started(5));
    bus.publish({ type: 'worker.completed', ts: ts(6), payload: { worker_id: 'w5', ok: false, files_touched: 0 } });
    bus.publish({ type: 'gate.transitioned', ts: ts(7), goal_id: 'g1', seq: 12, payload: { gate: 'test', from: 'running', to: 'failed' } });
    bus.publish({ type: 'goal.status_changed', ts: ts(8), goal_id: 'g1', payload: { from: 'running', to: 'not_ready' } });
    bus.publish({ type: 'proof.ready', ts: ts(9), goal_id: 'g1', payload: { path: '/p/proof.json' } });
    bus.publish({ type: 'goal.failed', ts: ts(10), goal_id: 'g1', payload: { reason: 'oom' } });
    bus.publish({ type: 'goal.cancelled', ts: ts(11), goal_id: 'g2', payload: {} });
    bus.publish({ type: 'request.refused', ts: ts(12), payload: { reason: 'cost cap', intent: 'large' } });
    await writer.close();

    const text = await readFile(writer.path, 'utf8');
    for (const raw of text.trimEnd().split('\n')) expect(Object.keys(JSON.parse(raw) as object)).toEqual(FIELDS);
    const lines = await readLines(writer.path);
    expect(lines.map((l) => [l.ts, l.kind, l.goal_id, l.summary])).toEqual([
      [ts(2), 'router_escalation', null, 'escalating to goal-run'],
      [ts(3), 'goal_created', 'g1', 'child goal created'],
      [ts(5), 'worker_started', null, 'edit: task 5 (w5)'],
      [ts(6), 'worker_completed', null, 'w5 failed'],
      [ts(7), 'gate_transition', 'g1', 'gate test: running -> failed'],
      [ts(9), 'proof_ready', 'g1', 'proof ready at /p/proof.json'],
      [ts(10), 'failed', 'g1', 'oom'],
      [ts(11), 'cancelled', 'g2', 'goal cancelled'],
      [ts(12), 'refused', null, 'cost cap'],
    ]);
    expect(lines[0]).toMatchObject({ intent: 'large', confidence: 0.91, auto_proceed: true });
    expect(lines[8]).toMatchObject({ intent: 'large', confidence: null, auto_proceed: false });
    expect(logger.warnings).toEqual([]);
    expect(writer.missed).toBe(0);
  });

  it('creates the session directory owner-only and the file 0600', async () => {
    const sessionDir = path.join(dir, 'new', 'session');
    const writer = startEscalationLog({ bus, sessionDir, logger: captureLogger() });
    bus.publish(started(1));
    await writer.close();
    expect((await stat(sessionDir)).mode & 0o777).toBe(0o700);
    expect((await stat(writer.path)).mode & 0o777).toBe(0o600);
  });

  it('appends to an existing log instead of truncating it', async () => {
    const existing = '{"ts":"2024-01-01T00:00:00.000Z","kind":"failed","goal_id":null,"intent":null,"summary":"old","confidence":null,"auto_proceed":false}\n';
    await writeFile(path.join(dir, ESCALATION_LOG_FILE), existing);
    const writer = startEscalationLog({ bus, sessionDir: dir, logger: captureLogger() });
    bus.publish(started(1));
    await writer.close();
    const lines = await readLines(writer.path);
    expect(lines.map((l) => l.summary)).toEqual(['old', 'edit: task 1 (w1)']);
  });

  it('drains everything already published when closed at once', async () => {
    const writer = startEscalationLog({ bus, sessionDir: dir, logger: captureLogger() });
    for (let i = 0; i < 1000; i++) bus.publish(started(i));
    await writer.close();
    const lines = await readLines(writer.path);
    expect(lines).toHaveLength(1000);
    expect(lines.map((l) => l.summary)).toEqual([...Array(1000).keys()].map((i) => `edit: task ${i} (w${i})`));
    expect(writer.missed).toBe(0);
  });

  it('writes nothing published after close, and close is idempotent', async () => {
    const writer = startEscalationLog({ bus, sessionDir: dir, logger: captureLogger() });
    bus.publish(started(1));
    const first = writer.close();
    bus.publish(started(2));
    await first;
    bus.publish(started(3));
    await writer.close();
    await bus.drain();
    expect((await readLines(writer.path)).map((l) => l.summary)).toEqual(['edit: task 1 (w1)']);
  });

  it('redacts secrets in summaries', async () => {
    const writer = startEscalationLog({ bus, sessionDir: dir, logger: captureLogger() });
    bus.publish(started(1, 'deploy with OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz123456'));
    bus.publish({ type: 'goal.failed', ts: ts(2), payload: { reason: 'auth: Bearer abcdefghijklmnopqrstuvwxyz' } });
    await writer.close();
    const text = await readFile(writer.path, 'utf8');
    expect(text).not.toContain('sk-abcdefghijklmnop');
    expect(text).not.toContain('abcdefghijklmnopqrstuvwxyz');
    const lines = await readLines(writer.path);
    expect(lines[0]?.summary).toBe('edit: deploy with OPENAI_API_KEY=[REDACTED] (w1)');
    expect(lines[1]?.summary).toBe('auth: Bearer [REDACTED]');
  });

  it('keeps a summary with newlines on one line', async () => {
    const writer = startEscalationLog({ bus, sessionDir: dir, logger: captureLogger() });
    bus.publish({ type: 'goal.failed', ts: ts(1), payload: { reason: 'line one\nline two' } });
    await writer.close();
    const lines = await readLines(writer.path);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.summary).toBe('line one\nline two');
  });

  it('records a gap when it falls behind', async () => {
    const logger = captureLogger();
    const writer = startEscalationLog({ bus, sessionDir: dir, logger, capacity: 4 });
    // Published before the writer's pump can run: only the newest four fit in its queue.
    for (let i = 0; i < 10; i++) bus.publish(started(i));
    // Non-escalation events do not take queue slots, so they cause no loss.
    for (let i = 0; i < 100; i++) bus.publish({ type: 'cost.recorded', ts: ts(i), payload: { source: 'llm', tokens_in: 1, tokens_out: 1, usd: 0 } });
    await writer.close();
    const lines = await readLines(writer.path);
    expect(lines[0]).toEqual({
      ts: ts(6),
      kind: 'events_missed',
      goal_id: null,
      intent: null,
      summary: 'escalation log fell behind and missed 6 events',
      confidence: null,
      auto_proceed: false,
    });
    expect(lines.slice(1).map((l) => l.summary)).toEqual([6, 7, 8, 9].map((i) => `edit: task ${i} (w${i})`));
    expect(writer.missed).toBe(6);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('missed 6 events');
  });

  it('warns once and lets the session go on when the log cannot be opened', async () => {
    const logger = captureLogger();
    const sessionDir = path.join(dir, 'occupied');
    await writeFile(sessionDir, 'a regular file where the session directory should be');
    const writer = startEscalationLog({ bus, sessionDir, logger });
    const others: string[] = [];
    bus.subscribe((m) => void others.push(m.type));
    for (let i = 0; i < 3; i++) bus.publish(started(i));
    await bus.drain();
    await expect(writer.close()).resolves.toBeUndefined();
    expect(others).toEqual(['worker.started', 'worker.started', 'worker.started']);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(writer.path);
    expect(logger.warnings[0]).toMatch(/EEXIST|ENOTDIR/);
    // Publishing after the failure still works and still reaches other subscribers.
    bus.publish(started(9));
    await bus.drain();
    expect(others).toHaveLength(4);
    expect(existsSync(writer.path)).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))('logs a failed write and keeps going', async () => {
    const logger = captureLogger();
    // /dev/full accepts the open and fails every write with ENOSPC.
    await symlink('/dev/full', path.join(dir, ESCALATION_LOG_FILE));
    const writer = startEscalationLog({ bus, sessionDir: dir, logger });
    for (let i = 0; i < 5; i++) bus.publish(started(i));
    await expect(writer.close()).resolves.toBeUndefined();
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]).toMatch(/write to .*pending_escalations\.jsonl failed: .*ENOSPC/);
    // Every line was attempted: the run of failures is counted rather than logged five times.
    expect(logger.warnings[1]).toContain('5 writes');
  });
});
