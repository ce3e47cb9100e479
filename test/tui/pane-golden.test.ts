import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPane, type PaneLayout } from '../../src/tui/chat/pane/render-pane.js';
import type { PaneState } from '../../src/app/chat/index.js';
import { classified, idle, largeGoal, mediumPlan, NOW, smallWorkerRunning } from './pane-fixtures.js';

// Golden renders of the engine pane. A missing or different golden fails; OMK_UPDATE_GOLDEN=1 writes
// them (then read the diff before committing: the files are what a user sees).
const GOLDEN = path.join(__dirname, 'golden');
const UPDATE = process.env.OMK_UPDATE_GOLDEN === '1';

/** The pane's rows on an 80×24 screen: the REPL leaves 8 rows to the conversation and the input. */
const SCREEN = { columns: 80, rows: 24 - 8 };

function golden(name: string, state: PaneState, layout: PaneLayout, screen = SCREEN) {
  const text = `${renderPane(state, { layout, columns: screen.columns, rows: screen.rows, now: NOW }).map((l) => l.text).join('\n')}\n`;
  const file = path.join(GOLDEN, `${name}.txt`);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  if (!existsSync(file)) throw new Error(`missing golden ${path.relative(process.cwd(), file)}: run with OMK_UPDATE_GOLDEN=1 and read it`);
  expect(text).toBe(readFileSync(file, 'utf8'));
  return text;
}

describe('engine pane goldens (80×24)', () => {
  it('collapsed, idle', () => {
    expect(golden('collapsed-idle', idle(), 'collapsed')).toMatch(/^\[engine\] …07-0a1b2c3d · idle · \$0\.000 · Tab to expand\n$/);
  });

  it('collapsed, a large goal with workers, escalations and a failed gate', () => {
    const text = golden('collapsed-large-goal', largeGoal(), 'collapsed');
    expect(text).toContain('workers 2/2');
    expect(text).toContain('5 esc');
    expect(text).toContain('Tab: a gate failed');
  });

  it('compact, after a trivial answer', () => {
    expect(golden('compact-classified', classified(), 'compact')).toContain('route: trivial  conf 1.00');
  });

  it('compact, a large goal', () => {
    expect(golden('compact-large-goal', largeGoal(), 'compact')).toContain('gates 1 passed, 1 running, 1 failed');
  });

  it('expanded, a small worker running', () => {
    const text = golden('expanded-small-worker', smallWorkerRunning(), 'expanded');
    expect(text).toMatch(/● small-1 +rename parseArgs.* 01:25/);
  });

  it('expanded, a medium plan 3 of 4 done', () => {
    const text = golden('expanded-medium-plan', mediumPlan(), 'expanded');
    expect(text.match(/✓ /g)!.length).toBeGreaterThanOrEqual(4);
    expect(text).toContain('▸ run the gates');
    expect(text).toContain('✗ plan-2');
  });

  it('expanded, a large goal: plan, workers, gates, escalations newest first, cost with the goal', () => {
    const text = golden('expanded-large-goal', largeGoal(), 'expanded');
    const esc = text.split('escalations (newest first):\n')[1]!.split('\n');
    expect(esc[0]).toContain('engine pane renderer (t3#2)');
    expect(text).toContain('cost: 153k in / 32k out  ·  $2.420 (goal $2.418)');
  });

  it('expanded on a short, narrow screen: fits, the header and cost stay', () => {
    const lines = golden('expanded-large-goal-40x12', largeGoal(), 'expanded', { columns: 40, rows: 12 - 8 }).trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(4);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(39);
    expect(lines[0]).toContain('engine');
    expect(lines.at(-1)).toContain('cost:');
  });

  it('collapsed on a narrow screen drops the hint and the session id before the mode, workers and cost', () => {
    const [line] = renderPane(largeGoal(), { layout: 'collapsed', columns: 44, rows: 1, now: NOW });
    expect(line!.text).toBe('[engine] goal-run · workers 2/2 · $2.420');
  });
});
