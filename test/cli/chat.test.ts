import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { BUILT, isRunning, processesUnder, statelessFixScenario, until } from '../runtime/goal/cli-child.js';
import { BUGGY_MATH, builtinConfig, FIXED_MATH, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';
import { jsonl, runChat, sessionDir } from './chat-helpers.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

const ROUTER = 'OMK-ROUTER-REQUEST';
const EDIT = 'OMK-CHAT-EDIT';

describe.skipIf(!BUILT)('omk chat without a terminal (real CLI; needs npm run build)', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
  });

  const routerRequests = () => server!.requests.filter((r) => JSON.stringify(r.body).includes(ROUTER)).length;

  it('--print answers a question read-only, streamed to stdout, and keeps the conversation', { timeout: 30_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: { steps: [{ content: 'math.js exports add(a, b).', chunk_size: 5 }] } });
    repo.writeConfig(builtinConfig(server.url));
    const run = await runChat(['--print', 'what does math.js export?'], repo.root, repo.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('math.js exports add(a, b).\n');
    expect(run.stderr).toMatch(/route trivial \(confidence 0\.95, heuristic, \d+ ms\)/);
    // The heuristic decided: the model was asked once, for the answer, never to route.
    expect(server.requests).toHaveLength(1);
    expect(routerRequests()).toBe(0);
    const dir = sessionDir(repo.home, run);
    expect(jsonl(path.join(dir, 'conversation.jsonl')).map((e) => [e.role, e.text])).toEqual([
      ['user', 'what does math.js export?'],
      ['assistant', 'math.js exports add(a, b).'],
    ]);
    expect(JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'))).toMatchObject({ schema_version: 1, project_root: repo.root, goals: [] });
    // An answer escalates nothing.
    expect(jsonl(path.join(dir, 'pending_escalations.jsonl'))).toEqual([]);
    expect(readFileSync(path.join(repo.root, 'math.js'), 'utf8')).toBe(BUGGY_MATH);
  });

  it('asks the model when the heuristic cannot decide; garbage from it falls back to the heuristic', { timeout: 30_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: { steps: [{ match: { contains: ROUTER }, content: 'I think this is probably a small one!', repeat: 'forever' }] } });
    repo.writeConfig(builtinConfig(server.url));
    const run = await runChat(['--json'], repo.root, repo.env, 'the numbers thing from yesterday\n');
    const route = run.lines.find((l) => l.type === 'route');
    expect(route).toMatchObject({ route: 'small', confidence: 0.5, source: 'fallback' });
    expect(String(route?.reason)).toContain('holds no JSON object');
    expect(routerRequests()).toBe(1);
    // A low-confidence first request asks before acting; without a terminal the default (cancel) is taken.
    expect(run.lines.find((l) => l.type === 'approval_needed')).toMatchObject({ request: { kind: 'preflight', preflight: 'low_confidence_first_prompt', default: 'cancel' } });
    expect(run.lines.find((l) => l.type === 'result')).toMatchObject({ outcome: { kind: 'cancelled' } });
    expect(run.code).toBe(3);
    expect(readFileSync(path.join(repo.root, 'math.js'), 'utf8')).toBe(BUGGY_MATH);
  });

  it("uses the model's JSON answer, then the cache for the same request spelled differently", { timeout: 30_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({
      scenario: {
        steps: [
          { match: { contains: ROUTER }, content: '```json\n{"route": "trivial", "confidence": 0.9, "reason": "asks about the project"}\n```' },
          { match: { regex: '[\\s\\S]' }, content: 'It is a sample.', repeat: 'forever' },
        ],
      },
    });
    repo.writeConfig(builtinConfig(server.url));
    const first = await runChat(['--json', '--print', 'the numbers thing from yesterday'], repo.root, repo.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.lines.find((l) => l.type === 'route')).toMatchObject({ route: 'trivial', confidence: 0.9, source: 'model', reason: 'asks about the project' });
    expect(first.lines.find((l) => l.type === 'result')).toMatchObject({ outcome: { kind: 'answered', text: 'It is a sample.' } });
    const second = await runChat(['--json', '--print', '  The NUMBERS   thing from yesterday '], repo.root, repo.env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.lines.find((l) => l.type === 'route')).toMatchObject({ route: 'trivial', source: 'cache', latency_ms: 0 });
    expect(routerRequests()).toBe(1);
  });

  it('a small edit is made and checked in a worktree, and lands on the branch only with --yes', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({
      scenario: {
        steps: [
          // The tool-result rule first: a `user` match keeps fitting after the tool answered.
          { match: { role: 'tool', regex: '[\\s\\S]' }, repeat: 'forever', content: 'add() now adds.' },
          { match: { role: 'user', contains: EDIT }, repeat: 'forever', tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
        ],
      },
    });
    repo.writeConfig(builtinConfig(server.url));
    const head = repo.git('rev-parse', 'HEAD').trim();

    const kept = await runChat([], repo.root, repo.env, 'fix the add function in math.js\n');
    expect(kept.stderr).toMatch(/route small \(confidence 0\.90, heuristic/);
    expect(kept.stdout, kept.stderr).toContain('-  return a - b;');
    expect(kept.stdout).toContain('+  return a + b;');
    expect(kept.stderr).toContain('gates: test passed');
    const branch = /edit kept on branch (omk\/chat\/\S+),/.exec(kept.stderr)?.[1];
    expect(branch, kept.stderr).toBeDefined();
    expect(kept.code).toBe(3);
    // Not applied: the working branch and the file are as they were; the edit is on its own branch.
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head);
    expect(readFileSync(path.join(repo.root, 'math.js'), 'utf8')).toBe(BUGGY_MATH);
    expect(repo.git('show', `${branch!}:math.js`)).toBe(FIXED_MATH);
    expect(repo.git('status', '--porcelain', '--untracked-files=no').trim()).toBe('');

    const applied = await runChat(['--yes', '--json'], repo.root, repo.env, 'fix the add function in math.js\n');
    expect(applied.code, applied.stderr).toBe(0);
    const ready = applied.lines.find((l) => l.type === 'result') as { outcome: { kind: string; diff: { gates: unknown[]; files: string[]; gates_ok: boolean } } };
    expect(ready.outcome).toMatchObject({ kind: 'diff_ready', diff: { files: ['math.js'], gates_ok: true, gates: [{ name: 'test', state: 'passed' }] } });
    expect(applied.lines.find((l) => l.type === 'diff_resolved')).toMatchObject({ resolution: 'applied' });
    expect(readFileSync(path.join(repo.root, 'math.js'), 'utf8')).toBe(FIXED_MATH);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('omk chat: fix the add function in math.js');
    // The applied edit's branch is gone, its worktree too; the earlier kept one stays.
    expect(repo.git('branch', '--list', 'omk/chat/*').trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(repo.root, '.omk', 'worktrees', 'chat'))).toBe(true);
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);

    const dir = sessionDir(repo.home, applied);
    const kinds = jsonl(path.join(dir, 'pending_escalations.jsonl')).map((e) => [e.kind, e.intent, e.confidence, e.auto_proceed]);
    expect(kinds).toEqual([
      ['router_escalation', 'small', 0.9, true],
      ['worker_started', null, null, false],
      ['gate_transition', null, null, false],
      ['gate_transition', null, null, false],
      ['worker_completed', null, null, false],
    ]);
  });

  it('resuming a session by id restores its conversation and gives it to the model', { timeout: 30_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: { steps: [{ content: 'add() is in math.js.', repeat: 'forever' }] } });
    repo.writeConfig(builtinConfig(server.url));
    const first = await runChat(['--print', 'where is add defined?'], repo.root, repo.env);
    expect(first.code, first.stderr).toBe(0);
    const id = path.basename(sessionDir(repo.home, first));
    const again = await runChat(['--session', id, '--print', 'what does it return?'], repo.root, repo.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`chat session ${id} (resumed: 2 earlier messages)`);
    expect(again.stderr).toContain('user: where is add defined?');
    const last = JSON.stringify(server.requests.at(-1)!.body);
    expect(last).toContain('where is add defined?');
    expect(last).toContain('add() is in math.js.');
    expect(jsonl(path.join(sessionDir(repo.home, again), 'conversation.jsonl'))).toHaveLength(4);

    const missing = await runChat(['--session', 'c-20200101-000000-abcd', '--print', 'x'], repo.root, repo.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no chat session c-20200101-000000-abcd');
  });

  it('an unwritable session directory is a warning; the question is still answered', { timeout: 30_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: { steps: [{ content: 'Still here.' }] } });
    repo.writeConfig(builtinConfig(server.url));
    // A file where the state directory should be: nothing can be created below it (even as root).
    const state = path.join(repo.home, 'state-file');
    writeFileSync(state, 'not a directory\n');
    const run = await runChat(['--print', 'what is this repo?'], repo.root, { ...repo.env, XDG_STATE_HOME: state });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Still here.\n');
    expect(run.stderr).toMatch(/warn.*session not saved: cannot create the session directory .*state-file\/omk\/sessions\/c-/);
  });

  it('refuses non-trivial work past the hard cost cap, naming the fix, and still answers questions', { timeout: 30_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: { steps: [{ content: 'An answer.', repeat: 'forever', usage: { prompt_tokens: 1_000_000, completion_tokens: 0 } }] } });
    repo.writeConfig(`${builtinConfig(server.url)}\n[engines.builtin.pricing]\ninput_per_mtok = 1.0\noutput_per_mtok = 1.0\n\n[chat]\ncost_soft_usd = 0.5\ncost_hard_usd = 0.9\n`);
    mkdirSync(path.join(repo.root, 'unused'), { recursive: true });
    const run = await runChat(['--json'], repo.root, repo.env, 'what is in math.js?\nwhat else is there?\nfix the add function in math.js\n');
    const results = run.lines.filter((l) => l.type === 'result').map((l) => (l.outcome as { kind: string }).kind);
    expect(results).toEqual(['answered', 'answered', 'refused']);
    expect(run.lines.filter((l) => l.type === 'warning').map((l) => l.message)).toEqual([expect.stringContaining('past the soft cap of $0.50')]);
    expect(run.lines.at(-1)).toMatchObject({ type: 'result', outcome: { kind: 'refused', fix: expect.stringContaining('chat.cost_hard_usd') } });
    expect(run.code).toBe(4);
    expect(readFileSync(path.join(repo.root, 'math.js'), 'utf8')).toBe(BUGGY_MATH);
  });

  it('a large request runs a child goal to its verdict; its escalations are logged with kinds and confidence', { timeout: 90_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: statelessFixScenario(0) });
    repo.writeConfig(builtinConfig(server.url));
    const run = await runChat(['--json'], repo.root, repo.env, 'rewrite add() in math.js so that the test passes\n');
    expect(run.code, run.stderr).toBe(0);
    const route = run.lines.find((l) => l.type === 'route');
    expect(route).toMatchObject({ route: 'large', confidence: 0.85, source: 'heuristic' });
    const created = run.lines.find((l) => l.type === 'goal_created') as { goal_id: string };
    const result = run.lines.find((l) => l.type === 'result') as { outcome: { kind: string; goal_id: string; status: string; proof: string } };
    expect(result.outcome).toMatchObject({ kind: 'goal', goal_id: created.goal_id, status: 'ready' });
    expect(existsSync(result.outcome.proof)).toBe(true);
    expect(run.lines.find((l) => l.type === 'proof_ready')).toMatchObject({ goal_id: created.goal_id, status: 'ready' });

    const dir = sessionDir(repo.home, run);
    expect(JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'))).toMatchObject({ goals: [created.goal_id] });
    const log = jsonl(path.join(dir, 'pending_escalations.jsonl'));
    expect(log[0]).toMatchObject({ kind: 'router_escalation', goal_id: null, intent: 'large', summary: 'escalating to goal-run', confidence: 0.85, auto_proceed: true });
    expect(log[1]).toMatchObject({ kind: 'goal_created', goal_id: created.goal_id, summary: 'child goal created', confidence: null });
    const gates = log.filter((e) => e.kind === 'gate_transition');
    expect(gates.length).toBeGreaterThanOrEqual(2);
    expect(gates.every((e) => e.goal_id === created.goal_id)).toBe(true);
    expect(gates.map((e) => e.summary)).toContain('gate test: running -> passed');
    expect(log.at(-1)).toMatchObject({ kind: 'proof_ready', goal_id: created.goal_id });
    // Every line has exactly the contract's seven fields, in order.
    for (const e of log) expect(Object.keys(e)).toEqual(['ts', 'kind', 'goal_id', 'intent', 'summary', 'confidence', 'auto_proceed']);
    // The goal's controller has ended; nothing is left running under the repository.
    const pid = (JSON.parse(readFileSync(path.join(repo.root, '.omk', 'goals', created.goal_id, 'goal.json'), 'utf8')) as { pid?: number }).pid;
    if (pid !== undefined) expect(await until(() => !isRunning(pid), 10_000)).toBe(true);
    expect(await until(() => processesUnder(repo.root).length === 0, 10_000)).toBe(true);
  });
});
