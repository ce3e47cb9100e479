// Chat figures: the router's heuristic decision time (against the floor of only normalising the
// request), and `omk chat --print /help` start-up (a session opened and closed, no model) against `node -e 0`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { heuristicRoute } from '../src/core/chat/heuristic.js';
import { normalisePrompt } from '../src/core/chat/normalise.js';
import { benchEnv, median, type Figure } from './figure.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'omk.js');

const PROMPTS = [
  'what does src/cli/main.ts do?',
  'explain how the budget reservations work when several workers start at once',
  'fix the typo in README.md',
  'rename parseArgs to parseArguments in src/cli/args.ts',
  'add a helper for dates and then add tests for it and then use it in the CLI',
  'migrate the whole test suite from jest to vitest across the codebase',
  'the numbers thing from yesterday',
  'add rate limiting to the API with a token bucket per client',
];

/** Median µs per call of `fn` over every prompt, in rounds of 2,000 calls. */
function perCallUs(fn: (text: string) => unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r < 15; r++) {
    const start = performance.now();
    for (let i = 0; i < 2000; i++) fn(PROMPTS[i % PROMPTS.length]!);
    rounds.push(((performance.now() - start) * 1000) / 2000);
  }
  return median(rounds);
}

function timeRun(args: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, stdio: 'ignore' });
  if (r.error) throw r.error;
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export const figures: Figure[] = [
  {
    name: 'chat.router_heuristic_us',
    run: () => {
      perCallUs(heuristicRoute);
      const value = perCallUs(heuristicRoute);
      return Promise.resolve({ value, unit: 'us', floor_us: perCallUs(normalisePrompt), prompts: PROMPTS.length });
    },
  },
  {
    name: 'startup.chat_print_ratio',
    run: () => {
      const root = mkdtempSync(path.join(tmpdir(), 'omk-bench-chat-'));
      try {
        const repo = path.join(root, 'repo');
        mkdirSync(repo);
        execFileSync('git', ['init', '-q', repo]);
        const env = { ...benchEnv(), HOME: root, XDG_STATE_HOME: path.join(root, 'state') };
        const args = [BIN, 'chat', '--print', '/help'];
        const probe = spawnSync(process.execPath, args, { cwd: repo, env, encoding: 'utf8' });
        if (probe.status !== 0) throw new Error(`omk chat --print /help failed (${String(probe.status)}): ${probe.stderr}`);
        const ratios: number[] = [];
        const omk: number[] = [];
        const node: number[] = [];
        for (let i = 0; i < 11; i++) {
          const base = timeRun(['-e', '0'], repo, env);
          const chat = timeRun(args, repo, env);
          node.push(base);
          omk.push(chat);
          ratios.push(chat / base);
        }
        return Promise.resolve({ value: median(ratios), unit: 'ratio', omk_ms: median(omk), node_ms: median(node) });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  },
];
