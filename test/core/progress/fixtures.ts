import type { AttemptRecord, FailingGate } from '../../../src/core/progress/index.js';

export function attempt(task: string, n: number, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    task_id: task,
    attempt: n,
    passed: false,
    diff_fingerprint: `diff-${task}-${n}`,
    inverse_fingerprint: `inv-${task}-${n}`,
    tree_before: `tree-${task}-${n - 1}`,
    tree_after: `tree-${task}-${n}`,
    failing_gates: [],
    exit_code: 0,
    ...over,
  };
}

export const fail = (gate: string, signature = `sig-${gate}`): FailingGate => ({ gate, signature });

/** Failing gates g0..g(count-1), each with a signature unique to `salt`. */
export function failing(count: number, salt: string | number): FailingGate[] {
  return Array.from({ length: count }, (_, i) => fail(`g${i}`, `s-${salt}-${i}`));
}

/**
 * A task whose attempts chain trees: attempt n starts where n-1 ended. `overs[i]` is merged into
 * attempt i+1 (set `tree_after` to make an attempt land on an earlier tree).
 */
export function chain(task: string, overs: Array<Partial<AttemptRecord>>): AttemptRecord[] {
  const out: AttemptRecord[] = [];
  let tree = `tree-${task}-0`;
  overs.forEach((over, i) => {
    const n = i + 1;
    const empty = over.diff_fingerprint === null;
    const a = attempt(task, n, { tree_before: tree, tree_after: empty ? tree : `tree-${task}-${n}`, ...over });
    tree = a.tree_after!;
    out.push(a);
  });
  return out;
}
