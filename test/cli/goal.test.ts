import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { runOmk } from '../helpers/cli.js';
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

      const status = JSON.parse((await omk('goal', 'status', '--json')).stdout) as Record<string, unknown>;
      expect(Object.keys(status).sort()).toEqual(
        ['base', 'cost', 'created_at', 'events', 'goal_dir', 'goal_id', 'head', 'oracle', 'proof', 'question', 'request', 'round', 'status', 'tasks', 'team', 'testable', 'type', 'updated_at', 'workers'].sort(),
      );
      expect(status).toMatchObject({
        goal_id: planned.goal_id,
        status: 'planning',
        request: 'fix the failing test in math.js',
        type: 'bugfix',
        testable: true,
        team: null,
        oracle: ['test'],
        head: null,
        proof: null,
        tasks: [{ id: 'fix-add', status: 'queued', attempts: 0 }],
      });

      const list = JSON.parse((await omk('goal', 'list', '--json')).stdout) as { goals: Array<Record<string, unknown>> };
      expect(list.goals).toEqual([
        { goal_id: planned.goal_id, status: 'planning', request: 'fix the failing test in math.js', created_at: expect.any(String), updated_at: expect.any(String) },
      ]);

      const prefix = planned.goal_id.slice(0, 12);
      const show = JSON.parse((await omk('goal', 'show', prefix, '--json')).stdout) as Record<string, unknown>;
      expect(show).toMatchObject({ goal_id: planned.goal_id, plan: { planner: 'engine', tasks: [{ id: 'fix-add', write_set: ['math.js'] }] } });
      for (const key of ['decisions', 'attempts', 'gate_runs', 'integration', 'review', 'external_blockers', 'infra_failures']) expect(show).toHaveProperty(key);

      const text = await omk('goal', 'status');
      expect(text.stdout).toContain(`goal ${planned.goal_id}: planning`);
      expect(text.stdout).toContain('task fix-add: queued');
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
  });
});
