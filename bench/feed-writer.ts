// The writing process of bench/feed.bench.ts (not a figure file: no `.bench.ts`).
//   feed-writer.ts <dbFile> <goalsDir> <goalId> <events> <gapMs>
// Creates the goal, prints "ready", waits for a line on stdin, then appends <events> events, one
// every <gapMs>, printing {"seq","t"} after each commit: t is the commit's wall time in ms
// (performance.timeOrigin + now, comparable across processes on one machine).
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../src/runtime/store/sqlite-store.js';

const [dbFile, goalsDir, goalId, eventsArg, gapArg] = process.argv.slice(2) as [string, string, string, string, string];
const store = await openStore({ dbFile, goalsDir });
await store.transaction((tx) => tx.createGoal({ id: goalId, prompt: 'bench' }));
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
for (let i = 0; i < Number(eventsArg); i += 1) {
  const event = await store.transaction((tx) => tx.appendEvent(goalId, 'decision.recorded', { topic: 'bench', choice: String(i), reason: 'feed latency' }));
  process.stdout.write(`${JSON.stringify({ seq: event.seq, t: performance.timeOrigin + performance.now() })}\n`);
  await sleep(Number(gapArg));
}
await store.close();
process.exit(0);
