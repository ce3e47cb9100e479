/**
 * Dependency structure of a task list: edges point from a task to what it depends on. Unknown ids and
 * self-edges are left out (the validator reports them separately); a repeated id keeps its first task.
 */
export interface DepNode {
  id: string;
  depends_on: readonly string[];
}

export function dependencyMap(tasks: readonly DepNode[]): Map<string, string[]> {
  const ids = new Set(tasks.map((t) => t.id));
  const map = new Map<string, string[]>();
  for (const t of tasks) {
    if (map.has(t.id)) continue;
    const deps: string[] = [];
    for (const d of t.depends_on) if (d !== t.id && ids.has(d) && !deps.includes(d)) deps.push(d);
    map.set(t.id, deps);
  }
  return map;
}

/**
 * Dependency cycles, each as a path that returns to its start (`['a', 'b', 'a']`: a depends on b, b on a).
 * Every group of tasks that depend on each other yields at least one path. Deterministic: input order, cycles rotated to
 * start at their first task in input order, duplicates dropped.
 */
export function findCycles(deps: ReadonlyMap<string, readonly string[]>): string[][] {
  const order = [...deps.keys()];
  const rank = new Map(order.map((id, i) => [id, i]));
  const state = new Map<string, 'open' | 'done'>();
  const seen = new Set<string>();
  const cycles: string[][] = [];
  for (const root of order) {
    if (state.has(root)) continue;
    // Iterative DFS: the stack holds [node, index of the next dependency to visit].
    const stack: Array<[string, number]> = [[root, 0]];
    const path: string[] = [root];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      const children = deps.get(node) ?? [];
      if (next >= children.length) {
        state.set(node, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      top[1] = next + 1;
      const child = children[next]!;
      const s = state.get(child);
      if (s === 'open') {
        const cycle = path.slice(path.indexOf(child));
        const start = cycle.reduce((best, id, i) => (rank.get(id)! < rank.get(cycle[best]!)! ? i : best), 0);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = rotated.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0]!]);
        }
      } else if (s === undefined) {
        state.set(child, 'open');
        stack.push([child, 0]);
        path.push(child);
      }
    }
  }
  return cycles;
}

/** For every task, all tasks it depends on, directly or transitively (cycles tolerated). */
export function ancestorMap(deps: ReadonlyMap<string, readonly string[]>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const id of deps.keys()) {
    const seen = new Set<string>();
    const todo = [...(deps.get(id) ?? [])];
    while (todo.length > 0) {
      const d = todo.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      todo.push(...(deps.get(d) ?? []));
    }
    out.set(id, seen);
  }
  return out;
}

/** Whether one of the two tasks (transitively) depends on the other. */
export function ordered(ancestors: ReadonlyMap<string, ReadonlySet<string>>, a: string, b: string): boolean {
  return (ancestors.get(a)?.has(b) ?? false) || (ancestors.get(b)?.has(a) ?? false);
}
