import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../../helpers/cli.js';
import { commitFiles, useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

/**
* An attempt that throws after `task.started` (omk's own
 * machinery failed) releases its task back to `queued` and parks the error in the pool. The driver only
 * looks at that error on a step other than execute/wait — but the re-queued task is ready again at once,
 * so the driver starts it again, and again: a full agent turn each time, never counted against
 * max_retries, never `goal.failed` (until MAX_STEPS = 100 000 steps).
 * Trigger: the agent leaves an empty nested git repository (what `git init sub` makes), so
 * `git add -A` in workingTreeSha exits 128.
 */
describe('omk machinery failing inside a parallel attempt', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
  });
  afterEach(() => repo.cleanup());

  it('ends the goal failed_infra after one attempt instead of re-running the task', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js', 'sub/**'] }], {
      'part-a ': [
        { edit: { path: 'sub/.git/HEAD', content: 'ref: refs/heads/main\n' } },
        { edit: { path: 'sub/.git/objects/.keep', content: '' } },
        { edit: { path: 'sub/.git/refs/.keep', content: '' } },
        { edit: { path: 'a.js', content: "export const part = 'a';\n" } },
        { say: 'done' },
      ],
    });
    const running = runOmk(['goal', 'run', 'do the work', '--json'], { cwd: repo.root, env: repo.env });
    let finished = false;
    void running.then(() => (finished = true));
    const goals = path.join(repo.root, '.omk', 'goals');
    const types = (): string[] => {
      try {
        const [id] = readdirSync(goals);
        return readFileSync(path.join(goals, id!, 'events.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { type: string }).type);
      } catch {
        return [];
      }
    };
    const started = (): number => types().filter((t) => t === 'task.started').length;
    // Time for a few attempts; if it is still going, stop it from "another terminal".
    for (let i = 0; i < 400 && !finished && started() < 4; i++) await new Promise((r) => setTimeout(r, 50));
    if (!finished) await runOmk(['goal', 'pause', 'latest'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse((await running).stdout) as { status: string };
    // Each attempt ended in a throw: never finished, never failed, just re-queued and started again.
    expect(types().filter((t) => t === 'task.attempt_finished')).toEqual([]);
    expect(started()).toBe(1);
    expect(out.status).toBe('failed_infra');
  }, 60_000);
});
