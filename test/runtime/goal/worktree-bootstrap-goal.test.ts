import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

const SECRET = 'db-password-7f3a9c1e5b2d4680';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('a goal run with .omk/worktree-include and a setup command', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    await server?.close();
    repo.cleanup();
  });

  it('bootstraps each new worktree, keeps the copied secret out of every commit and record, and the proof covers the setup output', async () => {
    server = await startModelServer({
      scenario: {
        name: 'fix-add',
        steps: [
          planStep(),
          { label: 'edit', tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
          { label: 'answer', content: 'Fixed add().' },
        ],
      },
    });
    repo.writeConfig(`${builtinConfig(server.url)}\n[worktrees]\nsetup = "echo setup ran in $(basename $PWD)"\n`);
    // Untracked and not ignored in the main checkout: only the bootstrap's exclude keeps it out of git.
    writeFileSync(path.join(repo.root, '.env'), `DB_PASSWORD=${SECRET}\n`);
    writeFileSync(path.join(repo.root, '.omk', 'worktree-include'), '# local settings\n.env\n');

    const run = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json'], { cwd: repo.root, env: repo.env });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as { goal_id: string; status: string; proof: string; goal_dir: string };
    expect(out.status).toBe('ready');

    const events = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
    const boots = events.filter((e) => e.type === 'worktree.bootstrapped').map((e) => e.payload);
    // The integration worktree (opened first, for the baseline) and the task's, each made ready once.
    expect(boots.map((b) => [b.task_id, b.ok, b.copied]).sort()).toEqual([
      ['fix-add', true, ['.env']],
      ['integration', true, ['.env']],
    ]);

    // The secret is nowhere omk wrote: not in a commit, a diff artifact, a transcript, the events or the proof.
    const proof = JSON.parse(readFileSync(out.proof, 'utf8')) as { head: { sha: string }; changed_files: string[]; artifacts: Array<{ path: string; sha256: string }> };
    expect(proof.changed_files).toEqual(['math.js']);
    expect(repo.git('log', '--format=', '--name-only', `${proof.head.sha}`, '--not', 'main').trim().split('\n').filter(Boolean).sort()).toEqual(['math.js']);
    for (const file of filesUnder(out.goal_dir)) expect(readFileSync(file, 'latin1'), file).not.toContain(SECRET);

    const setup = boots.find((b) => b.task_id === 'fix-add')!.setup as { stdout: { path: string; sha256: string } };
    expect(readFileSync(path.join(out.goal_dir, setup.stdout.path), 'utf8')).toBe('setup ran in fix-add\n');
    expect(proof.artifacts).toContainEqual({ path: setup.stdout.path, sha256: setup.stdout.sha256 });
    const verify = await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(verify.stdout).toContain('OK');
    expect(verify.status).toBe(0);

    writeFileSync(path.join(out.goal_dir, setup.stdout.path), 'edited after the fact\n');
    const tampered = await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(tampered.status).not.toBe(0);
    expect(tampered.stdout + tampered.stderr).toContain(setup.stdout.path);
  });
});
