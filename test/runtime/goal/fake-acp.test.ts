import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../../helpers/cli.js';
import { FIXED_MATH, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

const FAKE_ACP = path.resolve(__dirname, '../../fixtures/agents/fake-acp-agent.mjs');

describe('omk goal run with the fake ACP agent as planner and executor', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(() => repo.cleanup());

  it('edits the file, runs the test, reaches ready; the ACP transcript is recorded and the proof verifies', async () => {
    const scenario = path.join(repo.home, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        prompts: [
          { match: 'OMK-PLANNER-REQUEST', steps: [{ say: planStep().content }] },
          { match: 'OMK-TASK-REQUEST', steps: [{ edit: { path: 'math.js', content: FIXED_MATH } }, { run: { command: 'node --test' } }, { say: 'Fixed add().' }] },
        ],
      }),
    );
    repo.writeConfig(
      [
        '[defaults]',
        'engine = "fake"',
        '[engines.fake]',
        'protocol = "acp"',
        `command = ${JSON.stringify(process.execPath)}`,
        `args = [${JSON.stringify(FAKE_ACP)}, "acp", "--scenario", ${JSON.stringify(scenario)}]`,
        '[gates.test]',
        'command = "node --test"',
        '',
      ].join('\n'),
    );
    const r = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as { goal_id: string; status: string; goal_dir: string };
    expect(out.status).toBe('ready');
    expect(r.status).toBe(0);
    const transcript = readFileSync(path.join(out.goal_dir, 'transcripts', 'fix-add', '1.jsonl'), 'utf8');
    expect(transcript).toContain('session/request_permission');
    const show = JSON.parse((await runOmk(['goal', 'show', out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { plan: { planner: string } };
    expect(show.plan.planner).toBe('engine');
    const replay = await runOmk(['goal', 'replay', out.goal_id], { cwd: repo.root, env: repo.env });
    expect(replay.stdout).toMatch(/approval allow edit/);
    expect((await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env })).status).toBe(0);
  });
});
