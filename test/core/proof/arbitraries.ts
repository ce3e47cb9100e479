import fc from 'fast-check';
import type { Evidence, GateRun } from '../../../src/core/proof/evidence.js';
import { gateRun, HEAD, OTHER_TREE, readyEvidence, TREE_T1 } from './fixtures.js';

function mutate(fn: (e: Evidence) => void): Evidence {
  const e = readyEvidence();
  fn(e);
  return e;
}

const NAMES = ['test', 'typecheck', 'lint'] as const;
const TREES = [HEAD.tree, OTHER_TREE, TREE_T1] as const;

type RunFields = Pick<GateRun, 'name' | 'scope' | 'task_id' | 'tree_sha' | 'exit_code' | 'timed_out' | 'passed' | 'required' | 'infra_error'>;

const runArb: fc.Arbitrary<RunFields> = fc.record({
    name: fc.constantFrom(...NAMES),
    scope: fc.constantFrom<GateRun['scope']>('integration', 'task', 'baseline'),
    task_id: fc.constantFrom<string | null>('t1', 't2', null),
    tree_sha: fc.constantFrom<string>(...TREES),
    exit_code: fc.constantFrom<number | null>(0, 0, 1, null),
    timed_out: fc.boolean(),
    passed: fc.boolean(),
    required: fc.boolean(),
    infra_error: fc.constantFrom<string | null>(null, null, 'spawn ENOENT'),
});

export const evidenceArb: fc.Arbitrary<Evidence> = fc
  .record({
    runs: fc.array(runArb, { maxLength: 8 }),
    oracle: fc.subarray([...NAMES]),
    reject: fc.boolean(),
    question: fc.boolean(),
    overBudget: fc.boolean(),
    cancelled: fc.boolean(),
    headless: fc.boolean(),
  })
  .map(({ runs, oracle, reject, question, overBudget, cancelled, headless }) =>
    mutate((e) => {
      e.gates = [...e.gates, ...runs.map((r, i) => gateRun({ ...r, run_id: `p${i}` }))];
      e.oracle.gates = oracle;
      if (reject) e.human.decisions.push({ kind: 'reject', by: 'x', at: 't', text: 'no' });
      if (question) e.human.questions.push({ id: 'q', question: '?' });
      if (overBudget) e.budget.used.tokens = 1e9;
      if (cancelled) e.goal.lifecycle = 'cancelled';
      if (headless) e.head = null;
    }),
  );

