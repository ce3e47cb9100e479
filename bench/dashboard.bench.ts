// dashboard.first_load_10k_ms: a goal page in Debian Chromium for a goal with 10,000 events — from
// navigation until the timeline shows all of them and the view has rendered (median of 3 fresh pages).
// dashboard.sse_latency_ms: an event appended to the store until an SSE client of the dashboard
// receives it (median of 30), the path every live update takes (store → feed → stream).
// dashboard.page_bytes: the page's script + stylesheet as served (budget in docs/dashboard.md).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger, resolvePaths, type AppContext } from '../src/app/context.js';
import { openStore } from '../src/runtime/store/sqlite-store.js';
import { startDashboard } from '../src/web/server.js';
import { median, type Figure } from './figure.js';

const GOAL = 'g-20250101-000000-beef';
const EVENTS = 10_000;

async function fixture(): Promise<{ root: string; ctx: AppContext; cleanup: () => void }> {
  const base = mkdtempSync(path.join(tmpdir(), 'omk-bench-dash-'));
  const root = path.join(base, 'repo');
  mkdirSync(root);
  execFileSync('git', ['init', '-q', root]);
  const env = { PATH: process.env.PATH, HOME: base };
  const paths = resolvePaths({ cwd: root, env });
  mkdirSync(paths.goalsDir!, { recursive: true });
  const store = await openStore({ dbFile: paths.dbFile!, goalsDir: paths.goalsDir! });
  await store.transaction(async (tx) => {
    await tx.createGoal({ id: GOAL, prompt: 'a long goal' });
    await tx.appendEvent(GOAL, 'goal.created', { goal_id: GOAL, prompt: 'a long goal' });
  });
  for (let done = 1; done < EVENTS; ) {
    await store.transaction(async (tx) => {
      for (let i = 0; i < 1000 && done < EVENTS; i++, done++) {
        if (done % 4 === 0) await tx.appendEvent(GOAL, 'cost.recorded', { source: `task:t${done % 7}#1`, tokens_in: 1200, tokens_out: 300, usd: 0.0012 });
        else await tx.appendEvent(GOAL, 'approval.decided', { mode: 'auto', tool_kind: 'edit', summary: `src/t${done % 7}.ts`, decision: 'allow', rule: 'auto:write-in-worktree', reason: 'inside the worktree' });
      }
    });
  }
  await store.close();
  const abort = new AbortController();
  const ctx: AppContext = { cwd: root, env, paths, log: createLogger({ level: 'silent', write: () => undefined }), now: () => new Date(), signal: abort.signal, version: 'bench' };
  return { root, ctx, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export const figures: Figure[] = [
  {
    name: 'dashboard.first_load_10k_ms',
    run: async () => {
      if (!existsSync('/usr/bin/chromium')) throw new Error('needs /usr/bin/chromium');
      const { chromium } = await import('playwright-core');
      const f = await fixture();
      const dash = await startDashboard(f.ctx);
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
      try {
        const context = await browser.newContext();
        const warm = await context.newPage();
        await warm.goto(dash.url); // takes the token, sets the cookie
        await warm.close();
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
          const page = await context.newPage();
          const t0 = performance.now();
          await page.goto(`http://127.0.0.1:${dash.port}/goals/${GOAL}`);
          await page.waitForFunction((n) => document.querySelectorAll('#events li[data-seq]').length >= n && document.getElementById('goal-status') !== null, EVENTS, { timeout: 120_000, polling: 50 });
          times.push(performance.now() - t0);
          await page.close();
        }
        return { value: median(times), unit: 'ms', events: EVENTS, runs: times.map((x) => Math.round(x)) };
      } finally {
        await browser.close();
        await dash.close();
        f.cleanup();
      }
    },
  },
  {
    name: 'dashboard.sse_latency_ms',
    run: async () => {
      const f = await fixture();
      const dash = await startDashboard(f.ctx);
      const store = await openStore({ dbFile: f.ctx.paths.dbFile!, goalsDir: f.ctx.paths.goalsDir! });
      const arrived = new Map<number, number>();
      const waiters = new Map<number, () => void>();
      const req = request({ host: '127.0.0.1', port: dash.port, path: `/api/goals/${GOAL}/stream`, headers: { authorization: `Bearer ${dash.token}`, 'last-event-id': String(EVENTS) } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          for (const m of chunk.matchAll(/^id: (\d+)$/gm)) {
            const seq = Number(m[1]);
            arrived.set(seq, performance.now());
            waiters.get(seq)?.();
          }
        });
      });
      req.end();
      try {
        const latencies: number[] = [];
        for (let i = 1; i <= 30; i++) {
          const seq = EVENTS + i;
          const got = new Promise<void>((resolve) => waiters.set(seq, resolve));
          const t0 = performance.now();
          await store.transaction((tx) => tx.appendEvent(GOAL, 'decision.recorded', { topic: 'bench', choice: `c${i}`, reason: 'latency' }));
          await got;
          latencies.push(arrived.get(seq)! - t0);
        }
        return { value: median(latencies), unit: 'ms', max: Math.round(Math.max(...latencies)) };
      } finally {
        req.destroy();
        await store.close();
        await dash.close();
        f.cleanup();
      }
    },
  },
  {
    name: 'dashboard.page_bytes',
    run: () => {
      const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../dist/web');
      const js = statSync(path.join(dir, 'app.js')).size;
      const css = statSync(path.join(dir, 'app.css')).size;
      return Promise.resolve({ value: js + css, unit: 'bytes', js, css, budget: 48 * 1024 + 12 * 1024 });
    },
  },
];
