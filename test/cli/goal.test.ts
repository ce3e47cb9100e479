import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaseClaim } from '../../src/core/store/types.js';
import { openControllerRegistry } from '../../src/runtime/store/sqlite-controllers.js';
import { openStore } from '../../src/runtime/store/sqlite-store.js';
import { startModelServer } from '../fixtures/model-server/index.js';
import { runOmk } from '../helpers/cli.js';
import { goalViewSchema } from '../../src/core/goal/view/goal-view-schema.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

describe('omk goal status | list | show | plan', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(() => repo.cleanup());
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: repo.env });

  it('read commands say there are no goals yet (exit 2) and create no database', async () => {
    for (const argv of [['goal', 'status'], ['goal', 'list'], ['goal', 'show', 'latest'], ['goal', 'proof', 'latest'], ['goal', 'replay', 'latest']]) {
      const r = await omk(...argv);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain('no goals');
    }
  });

  it('plan writes the plan and stops; status, list and show have their documented JSON shapes', async () => {
    const server = await startModelServer({ scenario: { steps: [planStep()] } });
    try {
      repo.writeConfig(builtinConfig(server.url));
      const plan = await omk('goal', 'plan', 'fix the failing test in math.js', '--json');
      expect(plan.status).toBe(0);
      const planned = JSON.parse(plan.stdout) as { goal_id: string; status: string };
      expect(planned.status).toBe('planned');
      expect(planned.goal_id).toMatch(/^g-\d{8}-\d{6}-[0-9a-f]{4}$/);

      // `status --json` is the GoalView (docs/goal-view.md), valid against its schema.
      const status = JSON.parse((await omk('goal', 'status', '--json')).stdout) as Record<string, unknown>;
      expect(goalViewSchema.safeParse(status).error).toBeUndefined();
      expect(status).toMatchObject({
        view: 1,
        goal_id: planned.goal_id,
        status: 'planning',
        phase: 'baseline',
        request: 'fix the failing test in math.js',
        type: 'bugfix',
        testable: true,
        team: null,
        oracle: ['test'],
        head: null,
        proof: null,
        controller: null,
        workers: [],
        plan: { planner: 'engine', tasks: 1 },
        tasks: [{ id: 'fix-add', title: expect.any(String), status: 'queued', attempts: 0, started: 0, interrupted: 0, running: null, source: 'plan' }],
      });

      const list = JSON.parse((await omk('goal', 'list', '--json')).stdout) as { goals: Array<Record<string, unknown>> };
      // `goal plan` leaves the goal planning with no controller: resume continues it.
      expect(list.goals).toEqual([
        { goal_id: planned.goal_id, status: 'planning', request: 'fix the failing test in math.js', created_at: expect.any(String), updated_at: expect.any(String), needs_resume: true },
      ]);

      const prefix = planned.goal_id.slice(0, 12);
      const show = JSON.parse((await omk('goal', 'show', prefix, '--json')).stdout) as Record<string, unknown>;
      expect(goalViewSchema.safeParse(show).error).toBeUndefined();
      expect(show).toMatchObject({ goal_id: planned.goal_id, plan: { planner: 'engine' }, plan_tasks: [{ id: 'fix-add', write_set: ['math.js'] }], plan_file: { matches_plan: true } });
      for (const key of ['decisions', 'attempts', 'gates', 'integration', 'review', 'external_blockers', 'infra_failures']) expect(show).toHaveProperty(key);

      const text = await omk('goal', 'status');
      expect(text.stdout).toContain(`goal ${planned.goal_id}: planning`);
      expect(text.stdout).toContain('task fix-add: queued — no attempt started');
    } finally {
      await server.close();
    }
  });

  it('an unknown --gates name is a usage error before any goal exists', async () => {
    repo.writeConfig(builtinConfig('http://127.0.0.1:9/v1'));
    const r = await omk('goal', 'run', 'fix the failing test', '--gates', 'nope');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown gate(s): nope');
    expect((await omk('goal', 'list', '--json')).stdout).toContain('"goals": []');
    // The database exists now, still without a goal: the hint names the command that starts one.
    const none = await omk('goal', 'status');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('omk goal run "…"');
  });
});

describe('omk goal status: attempts and the controller', () => {
  const GOAL = 'g-20250301-120000-0a1b';
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(() => repo.cleanup());
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: repo.env });
  const dbFile = () => path.join(repo.root, '.omk', 'omk.db');
  type Status = {
    status: string;
    controller: { pid: number; host: string; heartbeat_at: string; alive: boolean } | null;
    tasks: Array<{ id: string; status: string; attempts: number; started: number; interrupted: number; running: number | null }>;
  };
  const statusJson = async () => JSON.parse((await omk('goal', 'status', GOAL, '--json')).stdout) as Status;

  it('shows the attempt running and attempts started, and whether a live controller holds a running goal', async () => {
    const store = await openStore({ dbFile: dbFile(), goalsDir: path.join(repo.root, '.omk', 'goals') });
    const registry = await openControllerRegistry({ dbFile: dbFile() });
    try {
      const claim = await store.transaction(async (tx) => {
        await tx.createGoal({ id: GOAL, prompt: 'fix the failing test in math.js', status: 'running' });
        await tx.appendEvent(GOAL, 'goal.created', { goal_id: GOAL, prompt: 'fix the failing test in math.js' });
        await tx.appendEvent(GOAL, 'goal.planned', { planner: 'fallback', asks: 0, graph_sha256: 'x', tasks: [{ id: 't-a', title: 'fix add', depends_on: [], max_retries: 2 }] });
        await tx.createTask({ goalId: GOAL, id: 't-a', title: 'fix add' });
        const got = await tx.acquireLease({ goalId: GOAL, taskId: 't-a' }, 'controller:here:1:ab', 60_000);
        if (!got.ok) throw new Error('no lease');
        await tx.appendEvent(GOAL, 'task.started', { task_id: 't-a', attempt: 1, round: 1, owner: got.lease.owner, token: got.lease.token, branch: 'b', worktree: '/w', start_sha: 'abc' });
        return { goalId: GOAL, taskId: 't-a', owner: got.lease.owner, token: got.lease.token } satisfies LeaseClaim;
      });
      // This process is the controller: same host, live pid, fresh heartbeat.
      await registry.claim({ goalId: GOAL, owner: 'controller:here:1:ab', pid: process.pid, host: hostname() }, () => false);

      let text = (await omk('goal', 'status', GOAL)).stdout;
      expect(text).toContain(`goal ${GOAL}: running\n`);
      expect(text).toContain(`  controller: pid ${process.pid} on ${hostname()}, alive (heartbeat `);
      expect(text).toContain('  task t-a: leased — attempt 1 running — fix add');
      let doc = await statusJson();
      expect(doc.controller).toEqual({ pid: process.pid, host: hostname(), heartbeat_at: expect.any(String), alive: true });
      expect(doc.tasks).toMatchObject([{ id: 't-a', title: 'fix add', status: 'leased', attempts: 0, started: 1, interrupted: 0, running: 1 }]);

      // Ctrl-C: the attempt is interrupted, the lease given back, the controller row released; the goal stays running.
      await store.transaction(async (tx) => {
        await tx.appendEvent(GOAL, 'task.attempt_interrupted', { task_id: 't-a', attempt: 1, round: 1, reason: 'interrupted (SIGINT)' });
        await tx.releaseLease(claim, 'queued');
      });
      await registry.release(GOAL, 'controller:here:1:ab');
      text = (await omk('goal', 'status', GOAL)).stdout;
      expect(text).toContain(`goal ${GOAL}: running (no live controller — continue with omk goal resume ${GOAL})\n`);
      expect(text).not.toContain('  controller:');
      expect(text).toContain('  task t-a: queued — 1 attempt started (1 interrupted) — fix add');
      doc = await statusJson();
      expect(doc.controller).toBeNull();
      expect(doc.tasks[0]).toMatchObject({ status: 'queued', attempts: 0, started: 1, interrupted: 1, running: null });
      expect((await omk('goal', 'list')).stdout).toContain(`${GOAL}  running (no live controller) fix the failing test`);
    } finally {
      await registry.close();
      await store.close();
    }

    // A row left by a controller on another host that stopped beating a minute ago: not alive.
    const stale = await openControllerRegistry({ dbFile: dbFile(), now: () => new Date(Date.now() - 60_000) });
    try {
      await stale.claim({ goalId: GOAL, owner: 'controller:elsewhere:4242:cd', pid: 4242, host: 'elsewhere' }, () => false);
    } finally {
      await stale.close();
    }
    const doc = await statusJson();
    expect(doc.controller).toMatchObject({ pid: 4242, host: 'elsewhere', alive: false });
    const text = (await omk('goal', 'status', GOAL)).stdout;
    expect(text).toContain(`running (no live controller — continue with omk goal resume ${GOAL})`);
    expect(text).toMatch(/ {2}controller: pid 4242 on elsewhere, not alive \(last heartbeat \d+s ago\)/);
  });
});
