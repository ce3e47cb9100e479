// Goal feed figures, measured together in one run:
// - feed.cross_process_latency_ms: median time from an event's commit in a writing process (a real
//   SqliteStore, one appendEvent per event, bench/feed-writer.ts) to its delivery by the goal feed
//   (SqliteFeed.subscribe) in this process;
// - feed.watch_floor_ms: the floor it is compared with — the median time from a plain file append in
//   another process to this process's fs.watch callback, the mechanism the feed wakes on;
// - feed.p95_latency_ms: the feed's 95th percentile.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SqliteFeed } from '../src/runtime/feed/sqlite-feed.js';
import { benchEnv, median, type Figure } from './figure.js';

const EVENTS = 200;
const GAP_MS = 10;
const GOAL = 'g-feed-bench';
const WRITER = fileURLToPath(new URL('./feed-writer.ts', import.meta.url));
const ROOT = path.resolve(path.dirname(WRITER), '..');

const now = (): number => performance.timeOrigin + performance.now();

/** Starts a child, waits for its "ready", then releases it; resolves each JSON line it prints. */
async function startWriter(args: string[], onLine: (line: { seq: number; t: number }) => void): Promise<{ child: ChildProcess; done: Promise<void> }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: benchEnv(), stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`))));
  });
  await new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else onLine(JSON.parse(line) as { seq: number; t: number });
    });
  });
  return { child, done };
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

async function feedLatencies(): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-bench-feed-'));
  const dbFile = path.join(dir, 'omk.db');
  const goalsDir = path.join(dir, 'goals');
  const committed = new Map<number, number>();
  const delivered = new Map<number, number>();
  try {
    const writer = await startWriter(['--import', 'tsx', WRITER, dbFile, goalsDir, GOAL, String(EVENTS), String(GAP_MS)], (l) => committed.set(l.seq, l.t));
    const feed = await SqliteFeed.open({ dbFile, goalsDir });
    const stop = new AbortController();
    let last = Number.POSITIVE_INFINITY;
    const reading = (async () => {
      for await (const m of feed.subscribe({ goal: GOAL, afterSeq: 0, live: false, signal: stop.signal })) {
        if (m.kind !== 'event') continue;
        delivered.set(m.event.seq, now());
        if (m.event.seq >= last) stop.abort();
      }
    })();
    writer.child.stdin!.write('go\n');
    await writer.done;
    last = Math.max(...committed.keys());
    if (delivered.has(last)) stop.abort();
    await reading;
    await feed.close();
    // Events committed before the start (goal.created) are delivered too, but not timed.
    return [...delivered].filter(([seq]) => committed.has(seq)).map(([seq, t]) => t - committed.get(seq)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FLOOR_WRITER = `
const fs = require('node:fs'); const { performance } = require('node:perf_hooks');
const [file, n, gap] = process.argv.slice(1);
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  for (let i = 1; i <= Number(n); i++) {
    fs.appendFileSync(file, 'x');
    process.stdout.write(JSON.stringify({ seq: i, t: performance.timeOrigin + performance.now() }) + '\\n');
    await new Promise((r) => setTimeout(r, Number(gap)));
  }
  process.exit(0);
});`;

async function watchLatencies(): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-bench-watch-'));
  const written = new Map<number, number>();
  const seen: number[] = [];
  try {
    const watcher = watch(dir, () => seen.push(now()));
    const writer = await startWriter(['-e', FLOOR_WRITER, path.join(dir, 'f'), String(EVENTS), String(GAP_MS)], (l) => written.set(l.seq, l.t));
    writer.child.stdin!.write('go\n');
    await writer.done;
    watcher.close();
    // Each append's latency: the first watch callback at or after the append's write time.
    const starts = [...written.values()].sort((a, b) => a - b);
    return starts.map((t) => (seen.find((s) => s >= t - 1) ?? Number.NaN) - t).filter((v) => Number.isFinite(v) && v >= 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let measured: Promise<{ feed: number[]; floor: number[] }> | undefined;
const measure = (): Promise<{ feed: number[]; floor: number[] }> =>
  (measured ??= (async () => ({ floor: await watchLatencies(), feed: await feedLatencies() }))());

export const figures: Figure[] = [
  {
    name: 'feed.cross_process_latency_ms',
    run: async () => {
      const { feed, floor } = await measure();
      return { value: median(feed), unit: 'ms', floor_ms: Math.round(median(floor) * 1000) / 1000, events: feed.length, floor_name: 'feed.watch_floor_ms' };
    },
  },
  { name: 'feed.watch_floor_ms', run: async () => ({ value: median((await measure()).floor), unit: 'ms' }) },
  { name: 'feed.p95_latency_ms', run: async () => ({ value: p95((await measure()).feed), unit: 'ms' }) },
];
