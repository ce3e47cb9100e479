// replay.100k_ms: `omk goal replay` on a 100,000-event goal log — read and parse events.jsonl,
// then render the text timeline with the controller's renderer (src/core/goal/controller/replay.ts).
// The log is a valid hash chain built with the envelope helpers, with a realistic mix of event types.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventType } from '../src/core/events/catalogue.js';
import { validateEventPayload } from '../src/core/events/catalogue.js';
import { buildEnvelope, envelopeLine, genesisHash, type EventEnvelope } from '../src/core/events/envelope.js';
import { renderReplay } from '../src/core/goal/controller/replay.js';
import { readEventLog } from '../src/runtime/events/reader.js';
import { median, type Figure } from './figure.js';

const EVENTS = 100_000;
const ROUNDS = 5;
const GOAL = 'g-20250101-000000-beef';
const SHA = 'a'.repeat(40);

/** A cycle of payloads of the kinds a long goal logs most: approvals, gate runs, attempts, costs. */
function payloadFor(i: number): { type: EventType; payload: unknown } {
  const task = `t${i % 97}`;
  switch (i % 8) {
    case 0:
      return { type: 'task.started', payload: { task_id: task, attempt: 1 + (i % 3), round: 1, owner: 'controller-1', token: i + 1, branch: `omk/${GOAL}/${task}`, worktree: `/tmp/wt/${task}`, start_sha: SHA } };
    case 1:
    case 2:
    case 3:
      return {
        type: 'approval.decided',
        payload: { mode: 'auto', tool_kind: 'edit', summary: `src/${task}.ts`, decision: 'allow', rule: 'auto:write-in-worktree', reason: 'inside the worktree' },
      };
    case 4:
      return { type: 'cost.recorded', payload: { source: `task:${task}#1`, tokens_in: 1200 + i, tokens_out: 300, usd: 0.0012 } };
    case 5:
      return { type: 'gate.run_recorded', payload: { run_id: `r${i}`, gate: 'test', scope: 'task', task_id: task, tree_sha: SHA, passed: i % 16 !== 5, record_path: `artifacts/gates/r${i}/run.json`, record_sha256: SHA + SHA.slice(0, 24) } };
    case 6:
      return {
        type: 'task.attempt_finished',
        payload: { task_id: task, attempt: 1, round: 1, outcome: 'gates_failed', stop_reason: 'end_turn', commit: SHA, tree_sha: SHA, changed_files: [`src/${task}.ts`], rejected_files: [], gate_runs: [`r${i - 1}`], feedback: 'Gate `test` failed (exit 1).' },
      };
    default:
      return { type: 'decision.recorded', payload: { topic: 'retry', choice: `retry ${task}`, reason: 'gates failed; attempts left' } };
  }
}

function buildLog(file: string): void {
  const lines: string[] = [];
  let prev = genesisHash(GOAL);
  const t0 = Date.parse('2025-01-01T00:00:00.000Z');
  for (let seq = 1; seq <= EVENTS; seq++) {
    const { type, payload } = seq === 1 ? { type: 'goal.created' as const, payload: { goal_id: GOAL, prompt: 'a long goal' } } : payloadFor(seq);
    const check = validateEventPayload(type, payload);
    if (!check.ok) throw new Error(check.message);
    const env: EventEnvelope = buildEnvelope({ seq, ts: new Date(t0 + seq * 10).toISOString(), type, payload, prev });
    prev = env.hash;
    lines.push(envelopeLine(env));
  }
  writeFileSync(file, lines.join(''));
}

export const figures: Figure[] = [
  {
    name: 'replay.100k_ms',
    run: () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'omk-bench-replay-'));
      try {
        const file = path.join(dir, 'events.jsonl');
        buildLog(file);
        const total: number[] = [];
        const parse: number[] = [];
        const render: number[] = [];
        let bytes = 0;
        for (let i = 0; i < ROUNDS; i++) {
          const a = performance.now();
          const log = readEventLog(file);
          const b = performance.now();
          const out = renderReplay({ goalId: GOAL, events: log.events, stats: log.stats }, 'text');
          const c = performance.now();
          if (log.events.length !== EVENTS) throw new Error(`parsed ${log.events.length} events, expected ${EVENTS}`);
          bytes = Buffer.byteLength(out);
          parse.push(b - a);
          render.push(c - b);
          total.push(c - a);
        }
        return Promise.resolve({
          value: median(total),
          unit: 'ms',
          events: EVENTS,
          rounds: ROUNDS,
          read_parse_ms: Math.round(median(parse)),
          render_text_ms: Math.round(median(render)),
          output_bytes: bytes,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
