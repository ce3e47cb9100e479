// Gate figures. gates.cache_ratio: the time to re-verify an unchanged tree (compute its tree sha,
// answer every gate from the cache) over the time of a full gate run on the same tree (tree sha plus
// really running the gates). The gates here are stand-ins for a small project's suite: a 0.5 s
// "test" and a Node start-up "lint"; real suites are slower, so real ratios are smaller still.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_GATE_TIMEOUT_MS, type GateSpec } from '../src/core/gates/spec.js';
import { runGates } from '../src/runtime/gates/run-gates.js';
import { workingTreeSha } from '../src/runtime/gates/tree-sha.js';
import { openStore } from '../src/runtime/store/sqlite-store.js';
import { benchEnv, median, type Figure } from './figure.js';

const gate = (name: string, command: string): GateSpec => ({
  name,
  command,
  cwd: '.',
  timeoutMs: DEFAULT_GATE_TIMEOUT_MS,
  required: true,
  env: {},
  source: 'config',
  why: 'bench',
});

async function cacheRatio(): Promise<{ full: number; reverify: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-bench-gates-'));
  const env = benchEnv();
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir } });
    git('init', '-q');
    for (let i = 0; i < 200; i += 1) writeFileSync(path.join(dir, `file-${i}.txt`), `content ${i}\n`.repeat(50));
    git('add', '-A');
    git('-c', 'user.email=b@example.com', '-c', 'user.name=b', 'commit', '-q', '-m', 'bench');
    writeFileSync(path.join(dir, 'uncommitted.txt'), 'dirty\n');
    const store = await openStore({ dbFile: path.join(dir, '.omk', 'omk.db'), goalsDir: path.join(dir, '.omk', 'goals') });
    const gates = [gate('test', 'sleep 0.5'), gate('lint', 'node -e ""')];
    const verify = async (useCache: boolean): Promise<number> => {
      const start = performance.now();
      const tree = await workingTreeSha(dir, env);
      if (!tree.ok) throw new Error(tree.message);
      const { summary } = await runGates(gates, { repoRoot: dir, treeSha: tree.treeSha, store, env, useCache });
      if (!summary.passed || (useCache && summary.cached !== gates.length)) throw new Error('bench gates did not behave');
      return performance.now() - start;
    };
    try {
      const full = await verify(false);
      const reverify = await verify(true);
      return { full, reverify };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const figures: Figure[] = [
  {
    name: 'gates.cache_ratio',
    run: async () => {
      const runs = [await cacheRatio(), await cacheRatio(), await cacheRatio()];
      const full = median(runs.map((r) => r.full));
      const reverify = median(runs.map((r) => r.reverify));
      return { value: reverify / full, unit: 'ratio', full_ms: Math.round(full), reverify_ms: Math.round(reverify), gates: 2, files: 201 };
    },
  },
];
