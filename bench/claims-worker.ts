// One of the claiming processes of bench/claims.bench.ts (not a figure file: no `.bench.ts`).
//   claims-worker.ts <dbFile> <goalsDir> <goalId> <tasks> <offset> <name>
// Opens the store, prints "ready", waits for a line on stdin (the start barrier, so every worker
// contends at once), then walks the task ids from <offset> round the whole list, taking each still
// queued task with acquireLease in its own transaction (a task another worker took is `not_queued`),
// and prints one JSON line: {claims, attempts}.
import { createInterface } from 'node:readline';
import { openStore } from '../src/runtime/store/sqlite-store.js';

const [dbFile, goalsDir, goalId, tasksArg, offsetArg, name] = process.argv.slice(2) as [string, string, string, string, string, string];
const tasks = Number(tasksArg);
const offset = Number(offsetArg);
const store = await openStore({ dbFile, goalsDir });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

let claims = 0;
for (let i = 0; i < tasks; i += 1) {
  const taskId = `t${(offset + i) % tasks}`;
  const result = await store.transaction((tx) => tx.acquireLease({ goalId, taskId }, name, 600_000));
  if (result.ok) claims += 1;
}
process.stdout.write(`${JSON.stringify({ claims, attempts: tasks })}\n`);
await store.close();
process.exit(0);
