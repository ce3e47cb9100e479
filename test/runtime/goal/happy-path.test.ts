import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, FIXED_MATH, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

describe('omk goal run with the builtin engine on the scripted model server', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    await server?.close();
    repo.cleanup();
  });

  it('fixes the bug, reaches ready, and the proof verifies', async () => {
    server = await startModelServer({
      scenario: {
        name: 'fix-add',
        steps: [
          planStep(),
          { label: 'read', tool_calls: [{ name: 'read_file', arguments: { path: 'math.js' } }] },
          { label: 'edit', tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
          { label: 'test', tool_calls: [{ name: 'bash', arguments: { command: 'node --test' } }] },
          { label: 'answer', content: 'Fixed add(): it subtracted; the test passes now.' },
        ],
      },
    });
    repo.writeConfig(builtinConfig(server.url));
    const run = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json'], { cwd: repo.root, env: repo.env });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { goal_id: string; status: string; proof: string; goal_dir: string };
    expect(out.status).toBe('ready');
    const proof = JSON.parse(readFileSync(out.proof, 'utf8')) as { status: string; head: { sha: string }; tasks: Array<{ id: string; status: string }> };
    expect(proof.status).toBe('ready');
    expect(proof.tasks).toMatchObject([{ id: 'fix-add', status: 'done' }]);
    expect(repo.git('show', `${proof.head.sha}:math.js`)).toBe(FIXED_MATH);
    for (const f of ['goal.json', 'prd.md', 'technical-plan.md', 'test-spec.md', 'task-graph.json', 'decisions.jsonl', 'events.jsonl', 'proof.md', 'transcripts/fix-add/1.jsonl']) {
      expect(existsSync(path.join(out.goal_dir, f)), f).toBe(true);
    }
    expect(existsSync(path.join(out.goal_dir, 'failure.json'))).toBe(false);

    const verify = await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(verify.stdout).toContain('OK');
    expect(verify.status).toBe(0);
  });
});
