import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../../helpers/cli.js';
import { commitFiles, FLAG_TEST, goalDirEvents, useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';


const events = goalDirEvents;

async function run(repo: SampleRepo, args: string[]): Promise<{ goal_id: string; status: string; goal_dir: string; exit: number }> {
  const r = await runOmk(['goal', 'run', 'do the work', '--json', ...args], { cwd: repo.root, env: repo.env });
  const out = JSON.parse(r.stdout) as { goal_id: string; status: string; goal_dir: string };
  return { ...out, exit: r.status };
}

const PARTS = ['a', 'b', 'c', 'd'];

describe('parallel slices: several agents, each in its own worktree, combined by the integration train', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
  });
  afterEach(() => repo.cleanup());

  it('--max-agents 4 runs four independent tasks at once and integrates them to ready', async () => {
    const plan = PARTS.map((p) => ({ id: `part-${p}`, write: [`${p}.js`] }));
    useFakeAgent(
      repo,
      plan,
      Object.fromEntries(PARTS.map((p) => [`part-${p} `, [{ sleep_ms: 1200 }, { edit: { path: `${p}.js`, content: `export const part = '${p}';\n` } }, { say: 'done' }]])),
    );
    const out = await run(repo, ['--max-agents', '4']);
    expect(out.status).toBe('ready');
    const log = events(out.goal_dir);
    const started = log.filter((e) => e.type === 'task.started');
    const firstFinished = log.find((e) => e.type === 'task.attempt_finished')!;
    // All four were running before any finished: they ran at once, not one after another.
    expect(started.map((e) => e.payload.task_id).sort()).toEqual(plan.map((t) => t.id));
    expect(started.every((e) => e.seq < firstFinished.seq)).toBe(true);
    expect(new Set(started.map((e) => e.payload.worktree)).size).toBe(4);
    const integrated = log.find((e) => e.type === 'integration.completed')!;
    expect((integrated.payload.merged as string[]).sort()).toEqual(plan.map((t) => t.id));
    for (const p of PARTS) expect(repo.git('show', `${String(integrated.payload.head_sha)}:${p}.js`)).toContain(`'${p}'`);
    expect((await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env })).status).toBe(0);
  });

  it('status shows every running agent: task, engine, holder, heartbeat, tokens; none once they finish', async () => {
    const plan = ['a', 'b'].map((p) => ({ id: `part-${p}`, write: [`${p}.js`] }));
    useFakeAgent(repo, plan, Object.fromEntries(['a', 'b'].map((p) => [`part-${p} `, [{ sleep_ms: 2500 }, { edit: { path: `${p}.js`, content: `export const part = '${p}';\n` } }, { say: 'done' }]])));
    const running = run(repo, ['--max-agents', '2']);
    let seen: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 200 && seen.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await runOmk(['goal', 'status', '--json'], { cwd: repo.root, env: repo.env });
      if (r.status === 0) seen = (JSON.parse(r.stdout) as { workers: Array<Record<string, unknown>> }).workers;
    }
    expect(seen.map((w) => w.task_id).sort()).toEqual(['part-a', 'part-b']);
    for (const w of seen) expect(w).toMatchObject({ attempt: 1, engine: 'fake', owner: expect.stringMatching(/^controller:/), heartbeat_at: expect.any(String), tokens: 0 });
    const text = await runOmk(['goal', 'status'], { cwd: repo.root, env: repo.env });
    expect(text.stdout).toMatch(/agent part-a#1 \[fake\] controller:.* heartbeat \d+s ago/);
    const out = await running;
    expect(out.status).toBe('ready');
    const after = JSON.parse((await runOmk(['goal', 'status', out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { workers: unknown[] };
    expect(after.workers).toEqual([]);
  });

  it('a pause from another terminal stops every running agent mid-turn; resume runs them again to ready', async () => {
    const plan = ['a', 'b'].map((p) => ({ id: `part-${p}`, write: [`${p}.js`] }));
    useFakeAgent(repo, plan, Object.fromEntries(['a', 'b'].map((p) => [`part-${p} \\(attempt 1\\)`, [{ sleep_ms: 30_000 }, { say: 'too slow' }]])));
    const scenario = JSON.parse(readFileSync(path.join(repo.home, 'scenario.json'), 'utf8')) as { prompts: Array<{ match: string; steps: unknown[] }> };
    for (const p of ['a', 'b']) scenario.prompts.push({ match: `OMK-TASK-REQUEST part-${p} \\(attempt 2\\)`, steps: [{ edit: { path: `${p}.js`, content: `export const part = '${p}';\n` } }, { say: 'done' }] });
    writeFileSync(path.join(repo.home, 'scenario.json'), JSON.stringify(scenario));
    const running = run(repo, ['--max-agents', '2']);
    let goalDir = '';
    for (let i = 0; i < 400; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const s = await runOmk(['goal', 'status', '--json'], { cwd: repo.root, env: repo.env });
      if (s.status !== 0) continue;
      const doc = JSON.parse(s.stdout) as { goal_dir: string; workers: unknown[] };
      goalDir = doc.goal_dir;
      // Both agents are mid-turn: their attempts are recorded as started and omk sees them running.
      if (doc.workers.length === 2 && events(goalDir).filter((e) => e.type === 'task.started').length === 2) break;
    }
    const started = Date.now();
    expect((await runOmk(['goal', 'pause', 'latest'], { cwd: repo.root, env: repo.env })).status).toBe(0);
    const paused = await running;
    expect(paused.status).toBe('paused');
    expect(Date.now() - started).toBeLessThan(10_000);
    const log = events(goalDir);
    expect(log.filter((e) => e.type === 'task.attempt_interrupted').map((e) => e.payload.task_id).sort()).toEqual(['part-a', 'part-b']);
    const status = JSON.parse((await runOmk(['goal', 'status', paused.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { tasks: Array<{ status: string }>; workers: unknown[] };
    expect(status.tasks.map((t) => t.status)).toEqual(['queued', 'queued']);
    expect(status.workers).toEqual([]);
    const resumed = JSON.parse((await runOmk(['goal', 'resume', paused.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { status: string };
    expect(resumed.status).toBe('ready');
    expect(events(goalDir).filter((e) => e.type === 'task.completed')).toHaveLength(2);
  });

  it('--max-agents 1 still runs one task at a time', async () => {
    const plan = ['a', 'b'].map((p) => ({ id: `part-${p}`, write: [`${p}.js`] }));
    useFakeAgent(repo, plan, Object.fromEntries(['a', 'b'].map((p) => [`part-${p} `, [{ edit: { path: `${p}.js`, content: `export const part = '${p}';\n` } }, { say: 'done' }]])));
    const out = await run(repo, []);
    expect(out.status).toBe('ready');
    const log = events(out.goal_dir).filter((e) => e.type === 'task.started' || e.type === 'task.attempt_finished');
    expect(log.map((e) => e.type)).toEqual(['task.started', 'task.attempt_finished', 'task.started', 'task.attempt_finished']);
  });

  it('two slices that edit the same line conflict; the conflict is attributed to the later slice and resolved by a fix task', async () => {
    const swapped = 'export function add(a, b) {\n  return b + a;\n}\n';
    const resolved = 'export function add(a, b) {\n  // both slices agreed on addition\n  return a + b;\n}\n';
    // The second slice is a follow-up the first agent proposed without depending on it: it starts from the
    // pinned base, like any independent task, and rewrites the line the first slice changed.
    const followUp = { id: 'edit-two', title: 'Swap the operands', description: 'Write add() as b + a.', write_set: ['math.js'], acceptance: ['(optional) add still adds'] };
    const plan = [{ id: 'edit-one', write: ['math.js'] }];
    useFakeAgent(repo, plan, {
      'edit-one ': [{ edit: { path: 'math.js', content: 'export function add(a, b) {\n  return a + b + 0;\n}\n' } }, { say: `one\nOMK_TASK_PROPOSAL: ${JSON.stringify(followUp)}` }],
      'edit-two ': [{ edit: { path: 'math.js', content: swapped } }, { say: 'two' }],
      'fix-edit-two-1 ': [{ edit: { path: 'math.js', content: resolved } }, { say: 'resolved the conflict' }],
    });
    const out = await run(repo, ['--max-agents', '2']);
    const log = events(out.goal_dir);
    const conflict = log.find((e) => e.type === 'integration.conflicted')!;
    expect(conflict.payload).toMatchObject({ task_id: 'edit-two', paths: ['math.js'] });
    const added = log.find((e) => e.type === 'task.added' && e.payload.source !== 'proposal')!;
    expect(added.payload).toMatchObject({ source: 'integration_conflict', fixes: 'edit-two', task: { id: 'fix-edit-two-1' } });
    // The fix task's worktree started with the slice merged in and git's conflict markers left for the agent.
    const transcript = readFileSync(path.join(out.goal_dir, 'transcripts', 'fix-edit-two-1', '1.jsonl'), 'utf8');
    expect(transcript).toContain('conflict markers');
    expect(out.status).toBe('ready');
    const integrated = log.filter((e) => e.type === 'integration.completed').at(-1)!;
    const head = String(integrated.payload.head_sha);
    expect(repo.git('show', `${head}:math.js`)).toBe(resolved);
    expect((integrated.payload.merged as string[]).sort()).toEqual(['edit-one', 'edit-two', 'fix-edit-two-1']);
    // Both slices' commits are in the integrated history.
    for (const t of ['edit-one', 'edit-two']) {
      const tip = repo.git('rev-parse', `refs/heads/omk/${out.goal_id}/${t}`).trim();
      expect(repo.git('merge-base', '--is-ancestor', tip, head)).toBe('');
    }
    const proof = JSON.parse(readFileSync(path.join(out.goal_dir, 'proof.json'), 'utf8')) as { tasks: Array<{ id: string; status: string }> };
    expect(proof.tasks.map((t) => [t.id, t.status])).toEqual([
      ['edit-one', 'done'],
      ['edit-two', 'done'],
      ['fix-edit-two-1', 'done'],
    ]);
    expect((await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env })).status).toBe(0);
  });

  it('two slices green alone, red together: caught before the verdict, bisected to the later slice, fixed by a fix task', async () => {
    commitFiles(repo, { 'a.js': 'export const flag = 0;\n', 'b.js': 'export const flag = 0;\n', 'flags.test.js': FLAG_TEST }, 'flags');
    const plan = [
      { id: 'set-a', write: ['a.js'] },
      { id: 'set-b', write: ['b.js'] },
    ];
    useFakeAgent(repo, plan, {
      'set-a ': [{ edit: { path: 'a.js', content: 'export const flag = 1;\n' } }, { say: 'a on' }],
      'set-b ': [{ edit: { path: 'b.js', content: 'export const flag = 1;\n' } }, { say: 'b on' }],
      'fix-set-b-1 ': [{ edit: { path: 'b.js', content: 'export const flag = 1 - (await import("./a.js")).flag;\n' } }, { say: 'b yields to a' }],
    });
    const out = await run(repo, ['--max-agents', '2']);
    const log = events(out.goal_dir);
    // Each slice passed its own gate alone.
    const taskRuns = log.filter((e) => e.type === 'gate.run_recorded' && e.payload.scope === 'task');
    expect(taskRuns.filter((e) => e.payload.task_id === 'set-a' || e.payload.task_id === 'set-b').every((e) => e.payload.passed)).toBe(true);
    const bisected = log.find((e) => e.type === 'integration.bisected')!;
    expect(bisected.payload).toMatchObject({ slices: ['set-a', 'set-b'], responsible: 'set-b', together_with: ['set-a'], gates: ['test'] });
    expect(log.some((e) => e.type === 'gate.run_recorded' && e.payload.scope === 'bisect')).toBe(true);
    const added = log.find((e) => e.type === 'task.added')!;
    expect(added.payload).toMatchObject({ source: 'combined_failure', fixes: 'set-b', task: { id: 'fix-set-b-1' } });
    expect(String((added.payload.task as { description: string }).description)).toContain('at most one flag is on');
    // The failing combination never produced a verdict: the only proof is the one after the fix.
    const proofs = log.filter((e) => e.type === 'proof.written');
    expect(proofs.map((e) => e.payload.status)).toEqual(['ready']);
    expect(out.status).toBe('ready');
    expect((await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env })).status).toBe(0);
  });
});
