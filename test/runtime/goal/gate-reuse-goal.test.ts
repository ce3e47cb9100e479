import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

interface ProofGate {
  run_id: string;
  result_path: string;
  scope: string;
  tree_sha: string;
  passed: boolean;
  stdout: { path: string; sha256: string };
  reused_from?: string;
}

const FIX = [
  { tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
  { content: 'Fixed.' },
];

// A one-task goal: the task's tree becomes the integrated tree, so the oracle gate runs once on it
// and the integration step records that run again (docs/gates.md "Reuse within a goal").
describe('a goal reuses its own gate run on an unchanged tree', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  let counter: string;
  beforeEach(() => {
    repo = sampleRepo();
    counter = path.join(path.dirname(repo.root), 'gate-executions');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
  });
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: repo.env });
  const executions = () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0);

  async function run(): Promise<{ goal_id: string; status: string; goal_dir: string }> {
    server = await startModelServer({ scenario: { name: 't', steps: [planStep(), ...FIX] } });
    // The gate counts its executions in a file outside the repository, so counting changes no tree.
    const config = builtinConfig(server.url).replace('command = "node --test"', `command = "echo ran >> \\"$GATE_COUNTER\\" && node --test"\nenv = { GATE_COUNTER = ${JSON.stringify(counter)} }`);
    repo.writeConfig(config);
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--json');
    return JSON.parse(r.stdout) as { goal_id: string; status: string; goal_dir: string };
  }

  it('runs the oracle gate on the base and the task tree only; the proof shows the reuse and verifies every digest', async () => {
    const out = await run();
    expect(out.status).toBe('ready');
    expect(executions()).toBe(2); // baseline + task; the integrated tree is the task's tree

    const proof = JSON.parse(readFileSync(path.join(out.goal_dir, 'proof.json'), 'utf8')) as { head: { tree: string }; gates: ProofGate[] };
    const taskRun = proof.gates.find((g) => g.scope === 'task')!;
    const integration = proof.gates.find((g) => g.scope === 'integration')!;
    expect(taskRun.reused_from).toBeUndefined();
    expect(integration).toMatchObject({ tree_sha: proof.head.tree, passed: true, reused_from: taskRun.run_id, stdout: taskRun.stdout });
    expect(readFileSync(path.join(out.goal_dir, 'proof.md'), 'utf8')).toContain(`passed (reused from ${taskRun.run_id})`);
    const events = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; payload: { scope?: string; reused_from?: string } });
    expect(events.filter((e) => e.type === 'gate.run_recorded').map((e) => e.payload.reused_from ?? null)).toEqual([null, null, taskRun.run_id]);
    expect(events.filter((e) => e.type === 'gate.started')).toHaveLength(2);

    const verify = await omk('goal', 'proof', out.goal_id, '--verify');
    expect(verify.stdout).toContain('OK');
    expect(verify.status).toBe(0);

    // A reuse naming no run of the proof is caught, even when proof.json and run.json agree on it.
    const forge = (file: string, from: string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(`"reused_from": "${from}"`, `"reused_from": "${to}"`));
    const files = [path.join(out.goal_dir, 'proof.json'), path.join(out.goal_dir, integration.result_path)];
    for (const f of files) forge(f, taskRun.run_id, 'r-nope');
    const forged = await omk('goal', 'proof', out.goal_id, '--verify');
    expect(forged.status).toBe(1);
    expect(forged.stdout).toContain(`evidence proof.json (gates[${proof.gates.indexOf(integration)}].reused_from): gate run ${integration.run_id} says it reuses run r-nope`);
    for (const f of files) forge(f, 'r-nope', taskRun.run_id);
    expect((await omk('goal', 'proof', out.goal_id, '--verify')).status).toBe(0);

    // The reused run rests on the task run's stdout: changing it breaks the proof, naming the file.
    appendFileSync(path.join(out.goal_dir, taskRun.stdout.path), 'edited\n');
    const broken = await omk('goal', 'proof', out.goal_id, '--verify');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`artifact_digest ${taskRun.stdout.path}`);
  });

  it('OMK_GOAL__REUSE_GATE_RUNS=false runs the gate again on the integrated tree', async () => {
    repo.env.OMK_GOAL__REUSE_GATE_RUNS = 'false';
    const out = await run();
    expect(out.status).toBe('ready');
    expect(executions()).toBe(3);
    const proof = JSON.parse(readFileSync(path.join(out.goal_dir, 'proof.json'), 'utf8')) as { gates: ProofGate[] };
    expect(proof.gates.every((g) => g.reused_from === undefined)).toBe(true);
    expect((await omk('goal', 'proof', out.goal_id, '--verify')).status).toBe(0);
  });
});
