import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { BUILT, eventLines, processesUnder, runOmkChild, spawnOmk, statelessFixScenario, storeFacts, until } from './cli-child.js';
import { commitFiles, useFakeAgent } from './parallel-repo.js';
import { builtinConfig, FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

/**
 * Moments to kill at: 20 by default, as the issue asks (each moment is a whole run + resume, ~3 s on two
 * cores); `OMK_CRASH_MOMENTS=N` for more or fewer. OMK_CRASH_SEED reproduces a run; see docs/goals.md.
 */
const MOMENTS = Number(process.env.OMK_CRASH_MOMENTS ?? 20);
const SEED = Number(process.env.OMK_CRASH_SEED ?? Date.now() % 100_000);

/** mulberry32: a small seeded generator, so a failing moment can be replayed from the printed seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GOAL = 'fix the failing test in math.js';

describe.skipIf(!BUILT)('kill -9 of the controller at a random moment, then omk goal resume (needs npm run build)', () => {
  let server: Server;
  let total = 0;
  beforeAll(async () => {
    server = await startModelServer({ scenario: statelessFixScenario(60) });
    // Calibrate: how many events a whole run writes.
    const repo = sampleRepo();
    try {
      repo.writeConfig(builtinConfig(server.url));
      const run = await runOmkChild(['goal', 'run', GOAL, '--json'], repo.root, repo.env);
      expect(run.code, run.stderr).toBe(0);
      total = eventLines(repo.root);
    } finally {
      repo.cleanup();
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`loses nothing and completes no task twice (${MOMENTS} moments, seed ${SEED})`, { timeout: 170_000 }, async () => {
    const random = rng(SEED);
    process.stderr.write(`crash-resume: seed ${SEED} (OMK_CRASH_SEED=${SEED} to replay), ${total} events in a whole run\n`);
    const moments = Array.from({ length: MOMENTS }, () => ({ k: 1 + Math.floor(random() * (total - 1)), extraMs: Math.floor(random() * 40) }));
    const tally = { 'task.lease_expired': 0, 'task.attempt_interrupted': 0, 'worktree.recovered': 0 };
    const runOne = async (m: { k: number; extraMs: number }, i: number): Promise<void> => {
      const repo = sampleRepo();
      try {
        repo.writeConfig(builtinConfig(server.url));
        const run = spawnOmk(['goal', 'run', GOAL, '--json'], repo.root, repo.env);
        let exited = false;
        void run.done.then(() => (exited = true));
        await until(() => exited || eventLines(repo.root) >= m.k, 30_000);
        await new Promise((r) => setTimeout(r, m.extraMs));
        const at = eventLines(repo.root);
        run.child.kill('SIGKILL');
        await run.done;
        const label = `moment ${i} (seed ${SEED}): killed at ${at} event(s) (target ${m.k} + ${m.extraMs} ms)`;

        const resumed = await runOmkChild(['goal', 'resume', 'latest', '--json'], repo.root, repo.env);
        expect(resumed.code, `${label}\n${resumed.stdout}\n${resumed.stderr}`).toBe(0);
        expect((JSON.parse(resumed.stdout) as { status: string }).status, label).toBe('ready');
        const proof = await runOmkChild(['goal', 'proof', 'latest', '--verify'], repo.root, repo.env);
        expect(proof.code, `${label}\n${proof.stdout}${proof.stderr}`).toBe(0);
        const events = await runOmkChild(['events', 'verify', 'latest'], repo.root, repo.env);
        expect(events.code, `${label}\n${events.stdout}${events.stderr}`).toBe(0);

        const facts = storeFacts(repo.root);
        expect(facts.goalStatus, label).toBe('ready');
        expect(facts.leases, label).toBe(0);
        expect(facts.controllers, label).toBe(0);
        for (const t of facts.tasks) expect(facts.completed.get(t.id), `${label}: task ${t.id}`).toBe(1);
        expect(processesUnder(path.dirname(repo.root)), label).toEqual([]);
        for (const t of ['task.lease_expired', 'task.attempt_interrupted', 'worktree.recovered'] as const) if (facts.types.includes(t)) tally[t] += 1;
      } finally {
        repo.cleanup();
      }
    };
    // Two at a time: the machine has two cores.
    for (let i = 0; i < moments.length; i += 2) {
      await Promise.all(moments.slice(i, i + 2).map((m, j) => runOne(m, i + j)));
    }
    process.stderr.write(`crash-resume: moments whose resume recovered ${JSON.stringify(tally)}\n`);
  });
});

describe.skipIf(!BUILT)('kill -9 of a controller running two agents at once, then omk goal resume (needs npm run build)', () => {
  const PARALLEL_MOMENTS = Number(process.env.OMK_CRASH_PARALLEL_MOMENTS ?? 6);
  const plan = ['a', 'b'].map((p) => ({ id: `part-${p}`, write: [`${p}.js`] }));
  const steps = Object.fromEntries(['a', 'b'].map((p) => [`part-${p} `, [{ sleep_ms: 300 }, { edit: { path: `${p}.js`, content: `export const part = '${p}';\n` } }, { run: { command: 'node --test' } }, { say: 'done' }]]));
  const fresh = (): SampleRepo => {
    const repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
    useFakeAgent(repo, plan, steps);
    return repo;
  };
  let total = 0;
  beforeAll(async () => {
    const repo = fresh();
    try {
      const run = await runOmkChild(['goal', 'run', 'add parts a and b', '--max-agents', '2', '--json'], repo.root, repo.env);
      expect(run.code, run.stderr).toBe(0);
      total = eventLines(repo.root);
    } finally {
      repo.cleanup();
    }
  });

  it(`loses nothing and completes no task twice (${PARALLEL_MOMENTS} moments, seed ${SEED})`, { timeout: 170_000 }, async () => {
    const random = rng(SEED + 1);
    for (let i = 0; i < PARALLEL_MOMENTS; i++) {
      const k = 1 + Math.floor(random() * (total - 1));
      const repo = fresh();
      try {
        const run = spawnOmk(['goal', 'run', 'add parts a and b', '--max-agents', '2', '--json'], repo.root, repo.env);
        let exited = false;
        void run.done.then(() => (exited = true));
        await until(() => exited || eventLines(repo.root) >= k, 30_000);
        const at = eventLines(repo.root);
        run.child.kill('SIGKILL');
        await run.done;
        const label = `parallel moment ${i} (seed ${SEED}): killed at ${at} of ${total} event(s)`;
        const resumed = await runOmkChild(['goal', 'resume', 'latest', '--json'], repo.root, repo.env);
        expect(resumed.code, `${label}\n${resumed.stdout}\n${resumed.stderr}`).toBe(0);
        expect((JSON.parse(resumed.stdout) as { status: string }).status, label).toBe('ready');
        expect((await runOmkChild(['goal', 'proof', 'latest', '--verify'], repo.root, repo.env)).code, label).toBe(0);
        expect((await runOmkChild(['events', 'verify', 'latest'], repo.root, repo.env)).code, label).toBe(0);
        const facts = storeFacts(repo.root);
        expect(facts.leases, label).toBe(0);
        expect(facts.controllers, label).toBe(0);
        expect(facts.tasks.map((t) => t.id).sort(), label).toEqual(['part-a', 'part-b']);
        for (const t of facts.tasks) expect(facts.completed.get(t.id), `${label}: task ${t.id}`).toBe(1);
        expect(processesUnder(path.dirname(repo.root)), label).toEqual([]);
      } finally {
        repo.cleanup();
      }
    }
  });
});
