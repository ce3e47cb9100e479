import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../../helpers/cli.js';
import { commitFiles, useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

function attempts(goalDir: string): Array<Record<string, unknown>> {
  return readFileSync(path.join(goalDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> })
    .filter((e) => e.type === 'task.attempt_finished')
    .map((e) => e.payload);
}

/** Passing gates alone never make an attempt pass: the turn must have ended normally and changed something. */
describe('what counts as a passed attempt', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    // The gates already pass on the base: only the agent's own behaviour can tell a real attempt apart.
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
  });
  afterEach(() => repo.cleanup());

  const run = async (): Promise<{ status: string; goal_dir: string; known_gaps: string[] }> => {
    const r = await runOmk(['goal', 'run', 'add part a', '--json'], { cwd: repo.root, env: repo.env });
    return JSON.parse(r.stdout) as { status: string; goal_dir: string; known_gaps: string[] };
  };

  it('an agent that changes nothing is not done, even though the gates pass: not_ready, with feedback asking for the change', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], { 'part-a ': [{ say: 'I could not do it, sorry.' }] });
    const out = await run();
    expect(out.status).toBe('not_ready');
    const tried = attempts(out.goal_dir);
    expect(tried.length).toBeGreaterThan(0);
    expect(tried.every((a) => a.outcome === 'no_changes_failed')).toBe(true);
    expect(String(tried[0]!.feedback)).toMatch(/You made no change\. Passing gates are not enough/);
    expect(out.known_gaps.join('\n')).toMatch(/part-a/);
  });

  it("a failed attempt is told which of its tool calls omk's approval policy denied", async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], { 'part-a ': [{ run: { command: 'echo leaked > ../outside.txt' } }, { say: 'stopped' }] });
    const out = await run();
    expect(out.status).toBe('not_ready');
    const first = attempts(out.goal_dir)[0]!;
    expect(first.outcome).toBe('no_changes_failed');
    expect(String(first.feedback)).toMatch(/approval policy denied 1 tool call\(s\) of this attempt; do not try them again:\n- `echo leaked > \.\.\/outside\.txt`/);
  });

  it('a turn that did not end normally is not trusted, even when its edit makes the gates pass', async () => {
    const scenario = [{ edit: { path: 'a.js', content: "export const part = 'a';\n" } }, { say: 'ran out of room' }];
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], { 'part-a ': scenario });
    // The fake agent ends this prompt's turn with max_tokens instead of end_turn.
    const file = path.join(repo.home, 'scenario.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { prompts: Array<{ match: string; stop_reason?: string }> };
    doc.prompts.find((p) => p.match.includes('part-a'))!.stop_reason = 'max_tokens';
    writeFileSync(file, JSON.stringify(doc));
    const out = await run();
    expect(out.status).toBe('not_ready');
    const first = attempts(out.goal_dir)[0]!;
    expect(first).toMatchObject({ outcome: 'engine_failed', stop_reason: 'max_tokens' });
    // The gates did run and pass on its commit: that evidence is kept, it just does not make the attempt pass.
    expect((first.gate_runs as string[]).length).toBe(1);
    expect(String(first.feedback)).toMatch(/ended with max_tokens/);
  });
});

describe('a gate that already failed on the base', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo(); // math.test.js fails on the base: add() subtracts
  });
  afterEach(() => repo.cleanup());

  it('an independent slice that cannot fix it is told the failure predates it (and is not judged passed)', async () => {
    useFakeAgent(repo, [{ id: 'fix-add', write: ['math.js'] }, { id: 'docs', write: ['README.md'] }], {
      'fix-add ': [{ edit: { path: 'math.js', content: FIXED_MATH } }, { say: 'fixed' }],
      'docs ': [{ edit: { path: 'README.md', content: '# sample\n\nadd(a, b) adds.\n' } }, { say: 'documented' }],
    });
    const r = await runOmk(['goal', 'run', 'fix the failing test in math.js and document add', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as { status: string; goal_dir: string };
    const docs = attempts(out.goal_dir).filter((a) => a.task_id === 'docs');
    expect(docs[0]).toMatchObject({ outcome: 'gates_failed' });
    expect(String(docs[0]!.feedback)).toMatch(/`test` already failed on the base commit, before any task ran/);
    const fix = attempts(out.goal_dir).filter((a) => a.task_id === 'fix-add');
    expect(fix[0]).toMatchObject({ outcome: 'passed' });
    expect(String(fix[0]!.feedback)).toBe('');
    expect(out.status).toBe('not_ready');
  });
});
