import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../../helpers/cli.js';
import { useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

describe('follow-up tasks proposed by an agent during execution', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(() => repo.cleanup());

  it('a valid proposal becomes a task that runs; an invalid one is recorded with its reasons and never runs', async () => {
    const good = { id: 'note-fix', title: 'Note the fix', description: 'Record the fix in NOTES.md.', write_set: ['NOTES.md'], acceptance: ['(optional) NOTES.md mentions add()'], depends_on: ['fix-add'] };
    const bad = { id: 'ship-it', title: 'Publish the package to npm', description: 'npm publish the new version', write_set: ['package.json'], acceptance: ['published'] };
    useFakeAgent(repo, [{ id: 'fix-add', write: ['math.js'] }], {
      'fix-add ': [{ edit: { path: 'math.js', content: FIXED_MATH } }, { say: `Fixed add().\nOMK_TASK_PROPOSAL: ${JSON.stringify(good)}\nOMK_TASK_PROPOSAL: ${JSON.stringify(bad)}` }],
      'note-fix ': [{ edit: { path: 'NOTES.md', content: 'add() adds now.\n' } }, { say: 'noted' }],
    });
    const r = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as { goal_id: string; status: string; goal_dir: string };
    const events = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
    expect(out.status).toBe('ready');
    const added = events.filter((e) => e.type === 'task.added');
    expect(added.map((e) => e.payload)).toEqual([expect.objectContaining({ source: 'proposal', reason: 'proposed by fix-add (attempt 1)', task: expect.objectContaining({ id: 'note-fix' }) })]);
    const rejected = events.find((e) => e.type === 'task.proposal_rejected')!;
    expect(rejected.payload).toMatchObject({ by_task: 'fix-add', proposal_id: 'ship-it' });
    expect(String(rejected.payload.problems)).toMatch(/publish/);
    expect(events.filter((e) => e.type === 'task.completed').map((e) => e.payload.task_id)).toEqual(['fix-add', 'note-fix']);
    const proof = JSON.parse(readFileSync(path.join(out.goal_dir, 'proof.json'), 'utf8')) as { tasks: Array<{ id: string; status: string }>; head: { sha: string } };
    expect(proof.tasks.map((t) => t.id)).toEqual(['fix-add', 'note-fix']);
    expect(repo.git('show', `${proof.head.sha}:NOTES.md`)).toBe('add() adds now.\n');
    expect(repo.git('branch', '--list', `omk/${out.goal_id}/ship-it`)).toBe('');
    expect((await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env })).status).toBe(0);
  });
});
