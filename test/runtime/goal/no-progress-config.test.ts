import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

// `[goal.no_progress]` reaches the goal loop's detector and `omk goal diagnose` (docs/no-progress.md).
describe('configured no-progress thresholds', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
  });
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: repo.env });

  it('with empty_diffs raised to 3, an agent that changes nothing gets a third attempt before goal.stalled', async () => {
    const noop = { content: 'Nothing to change.' };
    server = await startModelServer({ scenario: { name: 't', steps: [planStep(['math.js'], 5), noop, noop, noop, noop, noop, noop] } });
    // The other detectors are raised too, so that empty_diffs is the one that fires.
    repo.writeConfig(`${builtinConfig(server.url)}\n[goal.no_progress]\nempty_diffs = 3\nrepeated_failure = 5\nno_improvement_window = 5\n`);
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--json');
    const out = JSON.parse(r.stdout) as { goal_id: string; status: string; known_gaps: string[]; goal_dir: string };
    expect(out.status).toBe('not_ready');
    expect(out.known_gaps.join('\n')).toContain('no progress: task fix-add: 3 consecutive attempts changed nothing (#1, #2, #3)');

    const events = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
    expect(events.filter((e) => e.type === 'task.attempt_finished')).toHaveLength(3);
    const stalled = events.filter((e) => e.type === 'goal.stalled');
    expect(stalled).toHaveLength(1);
    expect((stalled[0]!.payload.findings as Array<{ kind: string }>).map((f) => f.kind)).toEqual(['empty_diffs']);

    // diagnose reports what the detector concludes with the same thresholds.
    const diagnose = JSON.parse((await omk('goal', 'diagnose', out.goal_id, '--json')).stdout) as {
      no_progress: { thresholds: Record<string, number>; stalled: boolean; findings: Array<{ kind: string; attempts: number[] }> };
    };
    expect(diagnose.no_progress.thresholds).toEqual({ repeated_failure: 5, empty_diffs: 3, oscillations: 1, no_improvement_window: 5 });
    expect(diagnose.no_progress.stalled).toBe(true);
    expect(diagnose.no_progress.findings).toEqual([expect.objectContaining({ kind: 'empty_diffs', attempts: [1, 2, 3] })]);
    const text = (await omk('goal', 'diagnose', out.goal_id)).stdout;
    expect(text).toContain('no-progress detection (repeated_failure 5, empty_diffs 3, oscillations 1, no_improvement_window 5):');
    expect(text).toContain('  - task fix-add: 3 consecutive attempts changed nothing (#1, #2, #3)');

    // With the default thresholds (repeated_failure 3), the same three attempts are also a repeated failure.
    repo.writeConfig(builtinConfig(server.url));
    const defaults = JSON.parse((await omk('goal', 'diagnose', out.goal_id, '--json')).stdout) as { no_progress: { findings: Array<{ kind: string }> } };
    expect(defaults.no_progress.findings.map((f) => f.kind)).toEqual(['repeated_failure', 'empty_diffs']);

    expect((await omk('goal', 'proof', out.goal_id, '--verify')).status).toBe(0);
  });

  it('an invalid threshold stops goal run before anything runs, naming the file and key', async () => {
    server = await startModelServer({ scenario: { name: 't', steps: [] } });
    repo.writeConfig(`${builtinConfig(server.url)}\n[goal.no_progress]\nempty_diffs = 0\n`);
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${path.join(repo.root, '.omk', 'config.toml')}: goal.no_progress.empty_diffs: expected an integer from 1 to 100, found 0`);
    expect(server.requests).toHaveLength(0);
  });
});
