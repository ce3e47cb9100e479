import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
type Step = Record<string, unknown>;

const FIX: Step[] = [
  { tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
  { content: 'Fixed.' },
];

describe('omk goal run outcomes', () => {
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

  async function run(steps: Step[], goal = 'fix the failing test in math.js') {
    server = await startModelServer({ scenario: { name: 't', steps } });
    repo.writeConfig(builtinConfig(server.url));
    const r = await runOmk(['goal', 'run', goal, '--json'], { cwd: repo.root, env: repo.env });
    return { ...r, out: JSON.parse(r.stdout) as { goal_id: string; status: string; known_gaps: string[]; goal_dir: string; proof: string | null } };
  }

  it('an agent that never fixes the test ends not_ready after its retries, with a gap naming the failing gate', async () => {
    const noop = { content: 'I looked at it; nothing to change.' };
    const r = await run([planStep(), noop, noop]); // max_retries 1: two attempts
    expect(r.status).toBe(1);
    expect(r.out.status).toBe('not_ready');
    expect(r.out.known_gaps.join('\n')).toMatch(/oracle gate `test` failed on head/);
    expect(r.out.known_gaps.join('\n')).toMatch(/required task `fix-add`.*failed after 2 attempts/);
    const failure = JSON.parse(readFileSync(path.join(r.out.goal_dir, 'failure.json'), 'utf8')) as { status: string };
    expect(failure.status).toBe('not_ready');
    // The second attempt was told why the first failed.
    const prompts = server!.requests.map((q) => JSON.stringify(q.body));
    expect(prompts[2]).toContain('Gate `test`');
    const show = await runOmk(['goal', 'show', r.out.goal_id, '--json'], { cwd: repo.root, env: repo.env });
    const doc = JSON.parse(show.stdout) as { attempts: Array<{ outcome: string }> };
    expect(doc.attempts.map((a) => a.outcome)).toEqual(['no_changes_failed', 'no_changes_failed']);
  });

  it('an agent that changes nothing is stopped by no-progress detection before its retries run out', async () => {
    const noop = { content: 'Nothing to change.' };
    const r = await run([planStep(['math.js'], 5), noop, noop, noop, noop, noop, noop]); // max_retries 5: up to six attempts
    expect(r.out.status).toBe('not_ready');
    const gaps = r.out.known_gaps.join('\n');
    expect(gaps).toMatch(/required task `fix-add`.*failed after 2 attempts/);
    expect(gaps).toContain('no progress: task fix-add: 2 consecutive attempts changed nothing (#1, #2)');
    const failure = JSON.parse(readFileSync(path.join(r.out.goal_dir, 'failure.json'), 'utf8')) as { known_gaps: string[] };
    expect(failure.known_gaps.join('\n')).toContain('changed nothing');
    const show = JSON.parse((await runOmk(['goal', 'show', r.out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { attempts: unknown[] };
    expect(show.attempts).toHaveLength(2);
    const events = readFileSync(path.join(r.out.goal_dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; payload: { findings?: Array<{ kind: string }> } });
    const stalled = events.filter((e) => e.type === 'goal.stalled');
    expect(stalled).toHaveLength(1);
    expect(stalled[0]!.payload.findings!.map((f) => f.kind)).toEqual(['empty_diffs']);
    const verify = await runOmk(['goal', 'proof', r.out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(verify.status).toBe(0);
  });

  it('a write outside the write set is rejected, undone and fed back; the next attempt succeeds', async () => {
    const r = await run([
      planStep(['math.js']),
      { tool_calls: [{ name: 'write_file', arguments: { path: 'math.test.js', content: '// tests gone\n' } }] },
      { content: 'Done (I deleted the test).' },
      ...FIX,
    ]);
    expect(r.out.status).toBe('ready');
    const show = JSON.parse((await runOmk(['goal', 'show', r.out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as {
      attempts: Array<{ outcome: string; rejected_files: string[]; feedback: string }>;
    };
    expect(show.attempts[0]).toMatchObject({ outcome: 'scope_violation', rejected_files: ['math.test.js'] });
    expect(show.attempts[0]!.feedback).toContain('outside the task');
    expect(show.attempts[1]!.outcome).toBe('passed');
    const retryPrompt = JSON.stringify(server!.requests[3]!.body);
    expect(retryPrompt).toContain('math.test.js');
    const proof = JSON.parse(readFileSync(r.out.proof!, 'utf8')) as { changed_files: string[] };
    expect(proof.changed_files).toEqual(['math.js']);
  });

  it('an untestable goal ends blocked_on_human with the question, before any worktree or agent', async () => {
    const r = await run([planStep()], 'make it better');
    expect(r.status).toBe(3);
    expect(r.out.status).toBe('blocked_on_human');
    const status = JSON.parse((await runOmk(['goal', 'status', r.out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { question: string };
    expect(status.question).toMatch(/how will we know it works/);
    expect(server!.requests).toHaveLength(0);
    expect(existsSync(path.join(repo.root, '.omk', 'worktrees'))).toBe(false);
    expect(repo.git('branch', '--list', 'omk/*')).toBe('');
  });

  it('the planner is re-asked with the problems, then the heuristic plan is used (a recorded decision)', async () => {
    const bad = { content: '{"version": 1, "tasks": []}' };
    // The fallback plan of a bugfix promises a regression test that fails without the fix: the agent adds one.
    const regression = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './math.js';\ntest('add(2, 3) is 5', () => assert.equal(add(2, 3), 5));\n";
    const r = await run([bad, bad, bad, FIX[0]!, { tool_calls: [{ name: 'write_file', arguments: { path: 'add-regression.test.js', content: regression } }] }, FIX[1]!]);
    expect(r.out.status).toBe('ready');
    expect(JSON.stringify(server!.requests[1]!.body)).toContain('rejected');
    const decisions = readFileSync(path.join(r.out.goal_dir, 'decisions.jsonl'), 'utf8');
    expect(decisions).toContain('heuristic fallback plan');
    const graph = JSON.parse(readFileSync(path.join(r.out.goal_dir, 'task-graph.json'), 'utf8')) as { tasks: Array<{ id: string }> };
    expect(graph.tasks.map((t) => t.id)).toEqual(['fix-bug']);
  });

  it('--verify names an edited artifact, proof.md and an edited events.jsonl line; replay is deterministic and survives a torn tail', async () => {
    const r = await run([planStep(), ...FIX]);
    expect(r.out.status).toBe('ready');
    const dir = r.out.goal_dir;
    const verify = (json = true) => runOmk(['goal', 'proof', r.out.goal_id, '--verify', ...(json ? ['--json'] : [])], { cwd: repo.root, env: repo.env });

    const replay1 = await runOmk(['goal', 'replay', r.out.goal_id], { cwd: repo.root, env: repo.env });
    const replay2 = await runOmk(['goal', 'replay', r.out.goal_id], { cwd: repo.root, env: repo.env });
    expect(replay1.stdout).toBe(replay2.stdout);
    expect(replay1.stdout).toContain('proof.written');
    const md1 = await runOmk(['goal', 'replay', r.out.goal_id, '--format', 'md', '--from', '3'], { cwd: repo.root, env: repo.env });
    const md2 = await runOmk(['goal', 'replay', r.out.goal_id, '--format', 'md', '--from', '3'], { cwd: repo.root, env: repo.env });
    expect(md1.stdout).toBe(md2.stdout);
    expect(md1.stdout).not.toContain('| 2 |');

    // One byte of the task graph.
    const graphFile = path.join(dir, 'task-graph.json');
    const original = readFileSync(graphFile, 'utf8');
    writeFileSync(graphFile, original.replace('"fix-add"', '"fix-adX"'));
    let report = JSON.parse((await verify()).stdout) as { ok: boolean; mismatches: Array<{ kind: string; path?: string }> };
    expect(report.ok).toBe(false);
    expect(report.mismatches).toContainEqual(expect.objectContaining({ kind: 'artifact_digest', path: 'task-graph.json' }));
    writeFileSync(graphFile, original);
    expect((await verify(false)).status).toBe(0);

    // One byte of proof.md (rendered from proof.json, so checked by rendering it again).
    const mdFile = path.join(dir, 'proof.md');
    const md = readFileSync(mdFile, 'utf8');
    writeFileSync(mdFile, md.replace('**Status: `ready`**', '**Status: `readY`**'));
    const mdBroken = await verify(false);
    expect(mdBroken.status).toBe(1);
    expect(mdBroken.stdout).toContain('artifact_digest proof.md (line 3): proof.md does not match proof.json');
    writeFileSync(mdFile, md);
    expect((await verify(false)).status).toBe(0);

    // One byte of a gate output.
    // A reused run's directory holds only run.json; pick one that ran.
    const runs = readdirSync(path.join(dir, 'artifacts', 'gates')).filter((d) => existsSync(path.join(dir, 'artifacts', 'gates', d, 'stdout')));
    const stdout = path.join(dir, 'artifacts', 'gates', runs[0]!, 'stdout');
    const gateOut = readFileSync(stdout);
    writeFileSync(stdout, Buffer.concat([gateOut, Buffer.from('x')]));
    const text = await verify(false);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`artifacts/gates/${runs[0]}/stdout`);
    writeFileSync(stdout, gateOut);

    // One byte of an events.jsonl line.
    const events = path.join(dir, 'events.jsonl');
    const log = readFileSync(events, 'utf8');
    writeFileSync(events, log.replace('"goal.intake_assessed"', '"goal.intake_assessex"'));
    report = JSON.parse((await verify()).stdout) as typeof report & { mismatches: Array<{ kind: string; field?: string }> };
    expect(report.ok).toBe(false);
    expect(report.mismatches.some((m) => m.kind === 'event_chain' && m.path === 'events.jsonl')).toBe(true);
    writeFileSync(events, log);

    // A torn last line: replay counts it and still renders every whole event.
    appendFileSync(events, '{"seq":999,"ts":"2025');
    const torn = await runOmk(['goal', 'replay', r.out.goal_id, '--format', 'json'], { cwd: repo.root, env: repo.env });
    expect(torn.status).toBe(0);
    const doc = JSON.parse(torn.stdout) as { stats: { torn_tail: boolean; parse_failures: number; events: number } };
    expect(doc.stats).toMatchObject({ torn_tail: true, parse_failures: 1 });
    expect(doc.stats.events).toBe(log.trim().split('\n').length);
    const tornAgain = await runOmk(['goal', 'replay', r.out.goal_id, '--format', 'json'], { cwd: repo.root, env: repo.env });
    expect(tornAgain.stdout).toBe(torn.stdout);
  });
});
