import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectNoProgress, type AttemptRecord } from '../../../src/core/progress/index.js';

/**
 * A strictly improving task: every attempt changes something new (fresh diff, tree and hunks, never
 * an inverse of an earlier one) and fails strictly fewer gates than the attempt before it. Gate
 * names and signatures come from small pools, so the same gate often fails the same way again.
 */
const improvingTask = (task: string): fc.Arbitrary<AttemptRecord[]> =>
  fc
    .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 3 }), fc.boolean())
    .chain(([length, extra, lastPasses]) =>
      fc
        .array(fc.constantFrom('s1', 's2'), { minLength: length * (length + extra), maxLength: length * (length + extra) })
        .map((sigs) => {
          const out: AttemptRecord[] = [];
          for (let i = 0; i < length; i++) {
            const n = i + 1;
            const count = length + extra - i - 1 + (lastPasses ? 0 : 1); // strictly decreasing, ≥ 0
            const passes = count === 0;
            out.push({
              task_id: task,
              attempt: n,
              passed: passes,
              diff_fingerprint: `d-${task}-${n}`,
              inverse_fingerprint: `i-${task}-${n}`,
              tree_before: `t-${task}-${n - 1}`,
              tree_after: `t-${task}-${n}`,
              changed_files: [{ path: 'src/x.ts', hunks: [{ fingerprint: `h-${task}-${n}`, inverse: `hi-${task}-${n}` }] }],
              failing_gates: Array.from({ length: count }, (_, g) => ({ gate: `g${g}`, signature: sigs[i * (length + extra) + g]! })),
              exit_code: 0,
            });
          }
          return out;
        }),
    );

/** Several tasks, their attempts interleaved in some order (each task's own order kept). */
const improvingGoal = fc
  .array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 4 })
  .map((names) => [...new Set(names)])
  .chain((names) => fc.tuple(fc.tuple(...names.map(improvingTask)), fc.array(fc.nat(), { maxLength: 40 })))
  .map(([tasks, order]) => {
    const queues = tasks.map((t) => [...t]);
    const out: AttemptRecord[] = [];
    let k = 0;
    while (queues.some((q) => q.length > 0)) {
      const live = queues.filter((q) => q.length > 0);
      out.push(live[(order[k++] ?? 0) % live.length]!.shift()!);
    }
    return { tasks, history: out };
  });

describe('no-progress properties', () => {
  it('a strictly improving history is never stalled', () => {
    fc.assert(
      fc.property(improvingGoal, ({ history }) => {
        const report = detectNoProgress(history);
        expect(report.findings).toEqual([]);
        expect(report.stalled).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a task’s findings do not depend on how other tasks’ attempts are interleaved with it', () => {
    fc.assert(
      fc.property(improvingGoal, ({ tasks, history }) => {
        // Make the first task stall: it repeats its last attempt's failure twice more with empty diffs and gates.
        const first = tasks[0]!;
        const last = first.at(-1)!;
        const stuck: AttemptRecord[] = [1, 2, 3].map((k) => ({
          ...last,
          attempt: last.attempt + k,
          passed: false,
          diff_fingerprint: null,
          inverse_fingerprint: null,
          tree_before: last.tree_after!,
          changed_files: [],
          failing_gates: [{ gate: 'g0', signature: 'same' }],
        }));
        const together = detectNoProgress([...history, ...stuck]).findings.filter((f) => f.task_id === last.task_id);
        const alone = detectNoProgress([...first, ...stuck]).findings;
        expect(together).toEqual(alone);
        expect(alone.map((f) => f.kind)).toEqual(expect.arrayContaining(['repeated_failure', 'empty_diffs']));
      }),
      { numRuns: 100 },
    );
  });
});
