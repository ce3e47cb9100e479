import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOmk } from '../helpers/cli.js';
import { commitFiles, useFakeAgent } from '../runtime/goal/parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

/** Every file under `dir` with its content digest: a read-only command must leave this exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const f = path.join(d, name);
      const st = statSync(f);
      if (st.isDirectory()) walk(f);
      else if (st.isFile()) out[path.relative(dir, f)] = createHash('sha256').update(readFileSync(f)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('a damaged proof.json', () => {
  let repo: SampleRepo;
  let goalId: string;
  let proofFile: string;
  beforeAll(async () => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'fixed');
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], { 'part-a ': [{ edit: { path: 'a.js', content: 'export const a = 1;\n' } }, { say: 'done' }] });
    const r = await runOmk(['goal', 'run', 'do the work', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as { goal_id: string; goal_dir: string };
    goalId = out.goal_id;
    proofFile = path.join(out.goal_dir, 'proof.json');
    writeFileSync(proofFile, readFileSync(proofFile, 'utf8').slice(0, 40));
  }, 120_000);
  afterAll(() => repo.cleanup());

  it('`goal proof --json` exits 5 naming the file and the fix, instead of printing it as a proof', async () => {
    const r = await runOmk(['goal', 'proof', goalId, '--json'], { cwd: repo.root, env: repo.env });
    expect(r.status).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(proofFile);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(r.stderr).toMatch(/--verify/);
  });

  it('reading it (proof, proof --verify, show, status) changes no byte under .omk/', async () => {
    const before = snapshot(path.join(repo.root, '.omk'));
    const verify = await runOmk(['goal', 'proof', goalId, '--verify'], { cwd: repo.root, env: repo.env });
    expect(verify.status).not.toBe(0);
    await runOmk(['goal', 'proof', goalId, '--json'], { cwd: repo.root, env: repo.env });
    await runOmk(['goal', 'show', goalId, '--json'], { cwd: repo.root, env: repo.env });
    await runOmk(['status'], { cwd: repo.root, env: repo.env });
    expect(snapshot(path.join(repo.root, '.omk'))).toEqual(before);
  });
});
