// Event-log figures: durable appends per second (each event its own committed
// transaction, fsynced by SQLite, plus its JSONL mirror) and verifying a 100k-event log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { verifyChain } from '../src/core/events/chain.js';
import { buildEnvelope, envelopeLine, genesisHash } from '../src/core/events/envelope.js';
import { readEventLog } from '../src/runtime/events/reader.js';
import { openStore } from '../src/runtime/store/sqlite-store.js';
import { median, type Figure } from './figure.js';

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'omk-bench-events-'));
}

async function appendsPerSecond(count: number): Promise<number> {
  const dir = tempDir();
  try {
    const store = await openStore({ dbFile: path.join(dir, 'omk.db'), goalsDir: path.join(dir, 'goals') });
    await store.transaction((tx) => tx.createGoal({ id: 'bench', prompt: 'bench' }));
    const start = performance.now();
    for (let i = 0; i < count; i += 1) {
      await store.transaction((tx) => tx.appendEvent('bench', 'gate.transitioned', { gate: `g${i}`, from: 'running', to: 'passed' }));
    }
    const seconds = (performance.now() - start) / 1000;
    await store.close();
    return count / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeLog(file: string, goalId: string, count: number): void {
  const parts: string[] = [];
  let prev = genesisHash(goalId);
  for (let seq = 1; seq <= count; seq += 1) {
    const env = buildEnvelope({
      seq,
      ts: new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString(),
      type: 'gate.transitioned',
      payload: { gate: `gate-${seq % 17}`, from: 'running', to: seq % 5 === 0 ? 'failed' : 'passed' },
      prev,
    });
    parts.push(envelopeLine(env));
    prev = env.hash;
  }
  writeFileSync(file, parts.join(''));
}

export const figures: Figure[] = [
  {
    name: 'events.append_per_s',
    run: async () => {
      const runs = [await appendsPerSecond(300), await appendsPerSecond(300), await appendsPerSecond(300)];
      return { value: median(runs), unit: 'events/s', events_per_run: 300 };
    },
  },
  {
    name: 'events.verify_100k_ms',
    run: () => {
      const dir = tempDir();
      try {
        const file = path.join(dir, 'events.jsonl');
        writeLog(file, 'bench', 100_000);
        const times: number[] = [];
        for (let i = 0; i < 3; i += 1) {
          const start = performance.now();
          const report = verifyChain(readEventLog(file).lines, { goalId: 'bench' });
          times.push(performance.now() - start);
          if (!report.ok || report.events !== 100_000) throw new Error('bench log did not verify');
        }
        return Promise.resolve({ value: median(times), unit: 'ms', events: 100_000 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
