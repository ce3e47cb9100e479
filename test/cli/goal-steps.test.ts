import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../helpers/cli.js';
import { useFakeAgent } from '../runtime/goal/parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

function eventTypes(goalDir: string): string[] {
  return readFileSync(path.join(goalDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { type: string }).type);
}

describe('omk goal execute | verify | review: one controller step by hand', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    useFakeAgent(repo, [{ id: 'fix-add', write: ['math.js'] }], { 'fix-add ': [{ edit: { path: 'math.js', content: FIXED_MATH } }, { say: 'fixed' }] });
  });
  afterEach(() => repo.cleanup());

  const omk = (...args: string[]) => runOmk(args, { cwd: repo.root, env: repo.env });
  const status = async (id: string) => (JSON.parse((await omk('goal', 'status', id, '--json')).stdout) as { status: string; tasks: Array<{ status: string }> });

  it('walks plan → execute → verify → review → resume, refusing steps out of order without changing anything', async () => {
    const planned = JSON.parse((await omk('goal', 'plan', 'fix the failing test in math.js', '--json')).stdout) as { goal_id: string; goal_dir: string };
    const id = planned.goal_id;
    const before = eventTypes(planned.goal_dir);

    const early = await omk('goal', 'verify', id);
    expect(early.status).toBe(1);
    expect(early.stderr).toMatch(/omk goal verify: tasks are still to run .*run omk goal execute first/);
    expect(await omk('goal', 'review', id)).toMatchObject({ status: 1 });
    expect(eventTypes(planned.goal_dir)).toEqual(before);

    const exec = await omk('goal', 'execute', id, '--json');
    expect(exec.status, exec.stderr).toBe(0);
    expect(JSON.parse(exec.stdout)).toMatchObject({ status: 'paused', step: 'execute' });
    let types = eventTypes(planned.goal_dir);
    expect(types).toContain('task.completed');
    expect(types).not.toContain('integration.completed');
    expect((await status(id)).status).toBe('paused');

    const noReview = await omk('goal', 'review', id);
    expect(noReview.stderr).toMatch(/nothing is integrated yet/);

    expect((await omk('goal', 'verify', id)).status).toBe(0);
    types = eventTypes(planned.goal_dir);
    expect(types.filter((t) => t === 'integration.completed')).toHaveLength(1);
    expect(types).not.toContain('review.completed');

    expect((await omk('goal', 'review', id)).status).toBe(0);
    types = eventTypes(planned.goal_dir);
    expect(types).toContain('review.completed');
    expect(types).not.toContain('proof.written');

    const done = await omk('goal', 'resume', id, '--json');
    expect(JSON.parse(done.stdout)).toMatchObject({ status: 'ready' });
    // The resume went straight to the proof: nothing executed, integrated or reviewed twice.
    types = eventTypes(planned.goal_dir);
    expect(types.filter((t) => t === 'task.started')).toHaveLength(1);
    expect(types.filter((t) => t === 'integration.completed')).toHaveLength(1);
    expect(types.filter((t) => t === 'review.completed')).toHaveLength(1);
    expect((await omk('goal', 'proof', id, '--verify')).status).toBe(0);

    const finished = await omk('goal', 'execute', id);
    expect(finished.status).toBe(1);
    expect(finished.stderr).toMatch(/already has its verdict \(ready\)/);
  });
});
