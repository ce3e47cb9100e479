import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence, GateRun, VerdictStatus } from '../../../src/core/proof/evidence.js';
import { computeVerdict, STATUS_PRECEDENCE } from '../../../src/core/proof/verdict.js';
import { evidenceArb } from './arbitraries.js';
import { gateRun, OTHER_TREE, readyEvidence, section, task } from './fixtures.js';

const H = 'a1a1a1a1a1a1'; // short head sha
const T = 'b2b2b2b2b2b2'; // short head tree

function mutate(fn: (e: Evidence) => void): Evidence {
  const e = readyEvidence();
  fn(e);
  return e;
}

function replaceGate(e: Evidence, runId: string, over: Partial<GateRun>): void {
  e.gates = e.gates.map((g) => (g.run_id === runId ? { ...g, ...over } : g));
}

describe('computeVerdict: ready', () => {
  it('is ready when every part of the rule holds', () => {
    const v = computeVerdict(readyEvidence());
    expect(v).toEqual({
      status: 'ready',
      readiness:
        `Ready: 2 oracle gates pass on head ${H}, 2 required tasks are done with gate evidence, ` +
        'no required review fails, no budget is exceeded and nothing waits on a human.',
      known_gaps: [],
      human_decisions_required: [],
    });
  });
});

interface Case {
  name: string;
  edit: (e: Evidence) => void;
  status: VerdictStatus;
  gap: string;
}

const CASES: Case[] = [
  {
    name: 'an oracle gate failed on head',
    edit: (e) => replaceGate(e, 'r3', { passed: false, exit_code: 1 }),
    status: 'not_ready',
    gap: `oracle gate \`test\` failed on head ${H} (exit 1)`,
  },
  {
    name: 'an oracle gate passed on another tree than head',
    edit: (e) => replaceGate(e, 'r3', { tree_sha: OTHER_TREE }),
    status: 'not_ready',
    gap: `oracle gate \`test\` has not run on head ${H} (its last run was on tree e5e5e5e5e5e5, head's tree is ${T})`,
  },
  {
    name: 'an oracle gate never ran on the integrated tree',
    edit: (e) => (e.gates = e.gates.filter((g) => g.run_id !== 'r4')),
    status: 'not_ready',
    gap: 'oracle gate `typecheck` has never run on the integrated tree',
  },
  {
    name: 'an oracle gate timed out',
    edit: (e) => replaceGate(e, 'r4', { passed: false, timed_out: true, exit_code: null, duration_ms: 60000 }),
    status: 'not_ready',
    gap: `oracle gate \`typecheck\` timed out on head ${H} after 60000 ms`,
  },
  {
    name: 'a gate record claims passed with a non-zero exit',
    edit: (e) => replaceGate(e, 'r3', { passed: true, exit_code: 2 }),
    status: 'not_ready',
    gap: `oracle gate \`test\` failed on head ${H} (exit 2)`,
  },
  {
    name: 'the latest rerun of an oracle gate failed',
    edit: (e) => e.gates.push(gateRun({ run_id: 'r5', name: 'test', passed: false, exit_code: 1 })),
    status: 'not_ready',
    gap: `oracle gate \`test\` failed on head ${H} (exit 1)`,
  },
  {
    name: 'the oracle names no gates',
    edit: (e) => (e.oracle.gates = []),
    status: 'not_ready',
    gap: 'the oracle names no gates, so nothing shows the goal is done',
  },
  {
    name: 'no head commit is recorded',
    edit: (e) => (e.head = null),
    status: 'not_ready',
    gap: 'no integration head commit is recorded',
  },
  {
    name: 'a required non-oracle gate failed on head',
    edit: (e) => e.gates.push(gateRun({ run_id: 'r6', name: 'lint', passed: false, exit_code: 1 })),
    status: 'not_ready',
    gap: `required gate \`lint\` failed on head ${H} (exit 1)`,
  },
  {
    name: 'a required task is not done',
    edit: (e) => (e.tasks[0] = task({ id: 't1', title: 'Add limiter', status: 'failed', attempts: 3 })),
    status: 'not_ready',
    gap: 'required task `t1` (Add limiter) is failed after 3 attempts',
  },
  {
    name: 'a required task is done without gate evidence',
    edit: (e) => (e.gates = e.gates.filter((g) => g.task_id !== 't1')),
    status: 'not_ready',
    gap: 'required task `t1` is done but has no gate evidence',
  },
  {
    name: "a required task's gate failed",
    edit: (e) => replaceGate(e, 'r1', { passed: false, exit_code: 1 }),
    status: 'not_ready',
    gap: "required task `t1`: gate `test` failed on the task's tree c3c3c3c3c3c3 (exit 1)",
  },
  {
    name: "a required task's gate ran on another tree than its commit",
    edit: (e) => replaceGate(e, 'r1', { tree_sha: OTHER_TREE }),
    status: 'not_ready',
    gap: "required task `t1`: gate `test` has not run on the task's tree c3c3c3c3c3c3",
  },
  {
    name: 'a required task is done but no tree is recorded',
    edit: (e) => (e.tasks[0] = task({ id: 't1', tree_sha: null })),
    status: 'not_ready',
    gap: 'required task `t1` is done but no tree is recorded to check its gate evidence against',
  },
  {
    name: 'a required review section fails',
    edit: (e) => (e.reviews.security = section({ status: 'fail', gaps: ['src/config.ts:3: AWS access key id added'] })),
    status: 'not_ready',
    gap: 'required review `security` failed: src/config.ts:3: AWS access key id added',
  },
  {
    name: 'a required review section has not run',
    edit: (e) => (e.reviews.tests = section({ status: 'not_run', reviewed_sha: null })),
    status: 'not_ready',
    gap: 'required review `tests` has not run',
  },
  {
    name: 'a required review reviewed an older commit',
    edit: (e) => (e.reviews.code = section({ reviewed_sha: '77'.repeat(20) })),
    status: 'not_ready',
    gap: `required review \`code\` reviewed 777777777777, not head ${H}`,
  },
  {
    name: 'the token budget was exceeded',
    edit: (e) => (e.budget.used.tokens = 120_000),
    status: 'needs_more_budget',
    gap: 'budget exceeded: tokens used 120000 of 100000',
  },
  {
    name: 'the ledger flagged the time budget without a limit recorded',
    edit: (e) => {
      e.budget.limits.time_ms = null;
      e.budget.exceeded.time = true;
    },
    status: 'needs_more_budget',
    gap: 'budget exceeded: time (flagged by the ledger; used 600.0 s, no limit recorded)',
  },
  {
    name: 'a question waits on a human',
    edit: (e) => e.human.questions.push({ id: 'q1', question: 'Which endpoints need limits?' }),
    status: 'blocked_on_human',
    gap: 'waiting on a human: Which endpoints need limits? (question q1)',
  },
  {
    name: 'a human rejected the goal',
    edit: (e) => e.human.decisions.push({ kind: 'reject', by: 'ana', at: '2025-03-01T12:00:00.000Z', text: 'limits are per IP, not per user' }),
    status: 'not_ready',
    gap: 'rejected by ana at 2025-03-01T12:00:00.000Z: limits are per IP, not per user',
  },
  {
    name: 'the goal was cancelled',
    edit: (e) => (e.goal = { ...e.goal, lifecycle: 'cancelled', reason: 'user pressed cancel' }),
    status: 'cancelled',
    gap: 'the goal was cancelled: user pressed cancel',
  },
  {
    name: 'infrastructure failed',
    edit: (e) => e.infra_failures.push({ component: 'git', message: 'worktree add failed: disk full' }),
    status: 'failed_infra',
    gap: 'infrastructure failed: git: worktree add failed: disk full',
  },
  {
    name: 'an oracle gate could not be run at all',
    edit: (e) => replaceGate(e, 'r4', { passed: false, exit_code: null, infra_error: 'spawn tsc ENOENT' }),
    status: 'failed_infra',
    gap: `oracle gate \`typecheck\` could not run on head ${H}: spawn tsc ENOENT`,
  },
  {
    name: 'an external service blocks',
    edit: (e) => e.external_blockers.push({ kind: 'credentials', description: 'GITHUB_TOKEN is not set' }),
    status: 'blocked_on_external',
    gap: 'blocked on external credentials: GITHUB_TOKEN is not set',
  },
];

describe('computeVerdict: each single missing piece gives exactly one gap', () => {
  it.each(CASES)('$name', ({ edit, status, gap }) => {
    const v = computeVerdict(mutate(edit));
    expect(v.status).toBe(status);
    expect(v.known_gaps).toEqual([gap]);
    expect(v.readiness).toMatch(/^[A-Z][^\n]*\.$/);
    expect(v.readiness).toContain(gap);
  });

  it('covers at least fifteen cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });
});

describe('computeVerdict: what does not block', () => {
  const stillReady: Array<[string, (e: Evidence) => void]> = [
    ['an optional task failed', (e) => e.tasks.push(task({ id: 't3', status: 'failed', required: false }))],
    ['an optional review failed', (e) => (e.reviews.performance = section({ status: 'fail', required: false, gaps: ['slow'] }))],
    ['a required review warns', (e) => (e.reviews.architect = section({ status: 'warn', risks: ['new dependency `zod`'] }))],
    ['a failed run was superseded by a passing rerun', (e) => e.gates.splice(2, 0, gateRun({ run_id: 'r0', name: 'test', passed: false, exit_code: 1 }))],
    ['a non-required gate failed', (e) => e.gates.push(gateRun({ run_id: 'r7', name: 'bench', required: false, passed: false, exit_code: 1 }))],
    ['a baseline run failed', (e) => e.gates.push(gateRun({ run_id: 'r8', name: 'test', scope: 'baseline', tree_sha: OTHER_TREE, passed: false, exit_code: 1 }))],
    [
      'a rejection was followed by an acceptance',
      (e) =>
        e.human.decisions.push(
          { kind: 'reject', by: 'ana', at: '2025-03-01T12:00:00.000Z', text: 'no' },
          { kind: 'accept', by: 'ana', at: '2025-03-02T12:00:00.000Z', text: 'fixed' },
        ),
    ],
    ['used exactly equals the limit', (e) => (e.budget.used.usd = 5)],
    ['the goal is paused', (e) => (e.goal.lifecycle = 'paused')],
  ];
  it.each(stillReady)('%s', (_name, edit) => {
    expect(computeVerdict(mutate(edit))).toMatchObject({ status: 'ready', known_gaps: [] });
  });
});

describe('computeVerdict: precedence', () => {
  it('reports the cause of highest precedence and lists every gap in that order', () => {
    const e = mutate((x) => {
      x.external_blockers.push({ kind: 'network', description: 'registry unreachable' });
      x.human.questions.push({ id: 'q1', question: 'Per IP or per user?' });
      x.budget.used.usd = 9;
      replaceGate(x, 'r3', { passed: false, exit_code: 1 });
    });
    const v = computeVerdict(e);
    expect(v.status).toBe('needs_more_budget');
    expect(v.known_gaps).toEqual([
      'budget exceeded: usd used $9.0000 of $5.0000',
      'waiting on a human: Per IP or per user? (question q1)',
      'blocked on external network: registry unreachable',
      `oracle gate \`test\` failed on head ${H} (exit 1)`,
    ]);
    expect(v.readiness).toBe('Needs more budget: budget exceeded: usd used $9.0000 of $5.0000 (and 3 more gaps).');
    expect(v.human_decisions_required).toEqual([
      'Per IP or per user? (question q1)',
      'add budget or cancel: usd exhausted (omk goal budget-add)',
    ]);
  });

  it('cancelled outranks everything', () => {
    const e = mutate((x) => {
      x.goal.lifecycle = 'cancelled';
      x.infra_failures.push({ component: 'store', message: 'busy' });
      x.budget.exceeded.tokens = true;
    });
    const v = computeVerdict(e);
    expect(v.status).toBe('cancelled');
    expect(v.known_gaps[0]).toBe('the goal was cancelled');
  });

  it('the precedence list is the documented order', () => {
    expect(STATUS_PRECEDENCE).toEqual(['cancelled', 'failed_infra', 'needs_more_budget', 'blocked_on_human', 'blocked_on_external', 'not_ready']);
  });
});

// ---- properties -----------------------------------------------------------------

const passes = (g: GateRun) => g.passed && g.exit_code === 0 && !g.timed_out && g.infra_error === null;

describe('computeVerdict: properties', () => {
  it('is never ready when some oracle gate has no passing run on the head tree', () => {
    fc.assert(
      fc.property(evidenceArb, (e) => {
        const unproven = e.oracle.gates.some(
          (name) => !e.gates.some((g) => g.scope === 'integration' && g.name === name && e.head !== null && g.tree_sha === e.head.tree && passes(g)),
        );
        if (unproven || e.oracle.gates.length === 0) expect(computeVerdict(e).status).not.toBe('ready');
      }),
      { numRuns: 400 },
    );
  });

  it('when ready, the latest run of every oracle gate on the head tree passed', () => {
    fc.assert(
      fc.property(evidenceArb, (e) => {
        if (computeVerdict(e).status !== 'ready') return;
        for (const name of e.oracle.gates) {
          const last = e.gates.filter((g) => g.scope === 'integration' && g.name === name && g.tree_sha === e.head!.tree).at(-1);
          expect(last && passes(last)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is ready exactly when there are no gaps; gaps are unique; the status is the first gap’s cause', () => {
    fc.assert(
      fc.property(evidenceArb, (e) => {
        const v = computeVerdict(e);
        expect(v.status === 'ready').toBe(v.known_gaps.length === 0);
        expect(new Set(v.known_gaps).size).toBe(v.known_gaps.length);
        expect(computeVerdict(structuredClone(e))).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });
});
