import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../helpers/cli.js';
import { commitFiles, useFakeAgent } from '../runtime/goal/parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

describe('omk goal run: what is checked before anything is written', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
    useFakeAgent(repo, ['a', 'b'].map((p) => ({ id: `part-${p}`, write: [`${p}.js`] })), Object.fromEntries(['a', 'b'].map((p) => [`part-${p} `, [{ sleep_ms: 800 }, { edit: { path: `${p}.js`, content: `export const part = '${p}';\n` } }, { say: 'done' }]])));
  });
  afterEach(() => repo.cleanup());
  const omk = (...args: string[]) => runOmk(args, { cwd: repo.root, env: repo.env });

  it('--max-agents is bounded like the config key, and refused before a store exists', async () => {
    for (const bad of ['0', '65', '2.5', 'x']) {
      const r = await omk('goal', 'run', 'add parts', '--max-agents', bad);
      expect(r.status, bad).toBe(2);
      expect(r.stderr).toMatch(/--max-agents must be an integer from 1 to 64/);
    }
    const local = await omk('goal', 'run', 'add parts', '--max-agents', '2', '--local-agents', '3');
    expect(local.status).toBe(2);
    expect(local.stderr).toMatch(/--local-agents must be an integer from 0 to --max-agents \(2\)/);
    expect(existsSync(path.join(repo.root, '.omk', 'omk.db'))).toBe(false);
  });

  it('defaults.max_agents from the config is the default: two agents at once without the flag', async () => {
    const config = path.join(repo.root, '.omk', 'config.toml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('[defaults]\n', '[defaults]\nmax_agents = 2\n'));
    const r = await omk('goal', 'run', 'do the work', '--json');
    const out = JSON.parse(r.stdout) as { status: string; goal_dir: string };
    expect(out.status).toBe('ready');
    const types = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { type: string }).type)
      .filter((t) => t === 'task.started' || t === 'task.attempt_finished');
    expect(types).toEqual(['task.started', 'task.started', 'task.attempt_finished', 'task.attempt_finished']);
  });

  it('a .omk/worktree-include line that leaves the repository is a usage error naming file and line, before the planner is asked', async () => {
    mkdirSync(path.join(repo.root, '.omk'), { recursive: true });
    writeFileSync(path.join(repo.root, '.omk', 'worktree-include'), '.env\n../secret\n');
    const r = await omk('goal', 'run', 'add parts');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.omk\/worktree-include:2: "\.\.\/secret"/);
    expect(existsSync(path.join(repo.root, '.omk', 'goals'))).toBe(false);
  });
});
