import type { Evidence, GateRun, ReviewSection, TaskEvidence } from '../../../src/core/proof/evidence.js';

export const HEAD = { sha: 'a1'.repeat(20), tree: 'b2'.repeat(20) };
export const OTHER_TREE = 'e5'.repeat(20);
export const TREE_T1 = 'c3'.repeat(20);
export const TREE_T2 = 'd4'.repeat(20);
const ZERO = '0'.repeat(64);

export function gateRun(over: Partial<GateRun> & Pick<GateRun, 'run_id' | 'name'>): GateRun {
  const dir = `artifacts/gates/${over.run_id}`;
  return {
    scope: 'integration',
    task_id: null,
    command: `npm run ${over.name}`,
    cwd: '.',
    tree_sha: HEAD.tree,
    exit_code: 0,
    duration_ms: 1200,
    timed_out: false,
    passed: true,
    required: true,
    infra_error: null,
    stdout: { path: `${dir}/stdout`, sha256: ZERO },
    stderr: { path: `${dir}/stderr`, sha256: ZERO },
    result_path: `${dir}/result.json`,
    ...over,
  };
}

export function section(over: Partial<ReviewSection> = {}): ReviewSection {
  return { status: 'pass', required: true, reviewed_sha: HEAD.sha, evidence: ['checked'], risks: [], gaps: [], ...over };
}

export function task(over: Partial<TaskEvidence> & Pick<TaskEvidence, 'id'>): TaskEvidence {
  return {
    title: `Task ${over.id}`,
    status: 'done',
    attempts: 1,
    commit: 'f6'.repeat(20),
    tree_sha: TREE_T1,
    changed_files: ['src/a.ts'],
    required: true,
    ...over,
  };
}

/** Evidence on which every part of the verdict rule holds. */
export function readyEvidence(): Evidence {
  return {
    goal: { id: 'g-0001', request: 'add rate limiting to the API', lifecycle: 'running', reason: null },
    base: { ref: 'main', sha: '9a'.repeat(20) },
    head: { ...HEAD },
    oracle: { kind: 'feature', gates: ['test', 'typecheck'] },
    gates: [
      gateRun({ run_id: 'r1', name: 'test', scope: 'task', task_id: 't1', tree_sha: TREE_T1 }),
      gateRun({ run_id: 'r2', name: 'test', scope: 'task', task_id: 't2', tree_sha: TREE_T2 }),
      gateRun({ run_id: 'r3', name: 'test' }),
      gateRun({ run_id: 'r4', name: 'typecheck' }),
    ],
    tasks: [task({ id: 't1' }), task({ id: 't2', tree_sha: TREE_T2, changed_files: ['src/b.ts'] })],
    reviews: {
      architect: section(),
      code: section(),
      tests: section(),
      security: section(),
      performance: section({ status: 'not_run', required: false, reviewed_sha: null, evidence: [] }),
      anti_slop: section(),
    },
    budget: {
      limits: { time_ms: 3_600_000, tokens: 100_000, usd: 5 },
      used: { time_ms: 600_000, tokens: 40_000, usd: 1.25 },
      reserved: { time_ms: 0, tokens: 0, usd: 0 },
      exceeded: { time: false, tokens: false, usd: false },
    },
    human: { questions: [], decisions: [] },
    external_blockers: [],
    infra_failures: [],
    events: { count: 0, head: null },
    artifacts: [],
    changed_files: ['src/b.ts', 'src/a.ts'],
    commits: ['f6'.repeat(20)],
  };
}
