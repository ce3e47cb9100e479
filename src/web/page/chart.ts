/// <reference lib="dom" />
import { num, s, usd } from './dom.js';

export interface CostPoint {
  seq: number;
  ts: string;
  tokens: number;
  usd: number;
}

/** Cumulative tokens (line) and dollars (dashed line, right axis) over time, as SVG. */
export function costChart(points: readonly CostPoint[]): SVGElement {
  const W = 560;
  const H = 180;
  const L = 48;
  const R = 56;
  const T = 12;
  const B = 28;
  const times = points.map((p) => Date.parse(p.ts));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const maxTok = Math.max(1, ...points.map((p) => p.tokens));
  const maxUsd = Math.max(1e-6, ...points.map((p) => p.usd));
  const priced = points.some((p) => p.usd > 0);
  const x = (t: number): number => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const yTok = (v: number): number => T + (1 - v / maxTok) * (H - T - B);
  const yUsd = (v: number): number => T + (1 - v / maxUsd) * (H - T - B);
  const line = (y: (p: CostPoint) => number): string => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(times[i]!).toFixed(1)},${y(p).toFixed(1)}`).join(' ');
  return s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'cost and tokens over time' },
    s('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }),
    s('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }),
    s('line', { class: 'axis', x1: W - R, y1: T, x2: W - R, y2: H - B }),
    s('text', { class: 'tick', x: L - 4, y: T + 8, 'text-anchor': 'end' }, num(maxTok)),
    s('text', { class: 'tick', x: L - 4, y: H - B, 'text-anchor': 'end' }, '0'),
    priced ? s('text', { class: 'tick usd', x: W - R + 4, y: T + 8 }, usd(maxUsd)) : null,
    s('text', { class: 'tick', x: L, y: H - 8 }, new Date(t0).toLocaleTimeString()),
    s('text', { class: 'tick', x: W - R, y: H - 8, 'text-anchor': 'end' }, new Date(t1).toLocaleTimeString()),
    s('path', { class: 'series tokens', d: line((p) => yTok(p.tokens)) }),
    priced ? s('path', { class: 'series usd', d: line((p) => yUsd(p.usd)) }) : null,
    s('text', { class: 'tick', x: L + 6, y: T + 8 }, priced ? 'tokens (solid) · dollars (dashed)' : 'tokens (the engine reports no prices)'),
    points.map((p, i) => s('circle', { class: 'dot', cx: x(times[i]!), cy: yTok(p.tokens), r: 2.5 }, s('title', {}, `#${p.seq}: ${p.tokens} tokens, ${usd(p.usd)}`))),
  );
}
