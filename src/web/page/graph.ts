/// <reference lib="dom" />
import { s } from './dom.js';

export interface GraphTask {
  id: string;
  title: string;
  depends_on: string[];
  status: string;
  running: number | null;
}

const W = 168;
const H = 44;
const GAP_X = 56;
const GAP_Y = 18;

/**
 * The task graph as SVG: columns by dependency depth (a task sits right of everything it depends on),
 * edges from each dependency, every node coloured by its state and linked to its diff.
 */
export function taskGraph(tasks: readonly GraphTask[], link: (id: string) => string): SVGElement {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle never passes validation; do not loop on a bad record
    seen.add(id);
    const deps = (byId.get(id)?.depends_on ?? []).filter((d) => byId.has(d));
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((x) => depthOf(x, seen)));
    depth.set(id, d);
    return d;
  };
  const columns: GraphTask[][] = [];
  for (const t of tasks) (columns[depthOf(t.id, new Set())] ??= []).push(t);
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((col, ci) => col.forEach((t, ri) => pos.set(t.id, { x: 8 + ci * (W + GAP_X), y: 8 + ri * (H + GAP_Y) })));
  const width = 16 + Math.max(1, columns.length) * (W + GAP_X) - GAP_X;
  const height = 16 + Math.max(1, ...columns.map((c) => c.length)) * (H + GAP_Y) - GAP_Y;

  const edges = tasks.flatMap((t) =>
    t.depends_on
      .filter((d) => pos.has(d))
      .map((d) => {
        const a = pos.get(d)!;
        const b = pos.get(t.id)!;
        const x1 = a.x + W;
        const y1 = a.y + H / 2;
        const x2 = b.x;
        const y2 = b.y + H / 2;
        const mx = (x1 + x2) / 2;
        return s('path', { class: 'edge', d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)' });
      }),
  );
  const nodes = tasks.map((t) => {
    const p = pos.get(t.id)!;
    const state = t.running !== null ? 'running' : t.status;
    return s(
      'a',
      { href: link(t.id), 'data-task': t.id, 'data-state': state },
      s('title', {}, `${t.id}: ${t.title} (${state})`),
      s('rect', { class: `node st-${state}`, x: p.x, y: p.y, width: W, height: H, rx: 6 }),
      s('text', { class: 'node-id', x: p.x + 10, y: p.y + 18 }, clip(t.id, 22)),
      s('text', { class: 'node-state', x: p.x + 10, y: p.y + 34 }, t.running !== null ? `running · attempt ${t.running}` : t.status),
    );
  });
  return s(
    'svg',
    { class: 'graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'task graph' },
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }))),
    edges,
    nodes,
  );
}

const clip = (t: string, n: number): string => (t.length > n ? `${t.slice(0, n - 1)}…` : t);
