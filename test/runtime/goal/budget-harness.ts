import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BudgetLimits, PerTaskLimits } from '../../../src/core/budget/index.js';
import type { EventEnvelope } from '../../../src/core/events/envelope.js';
import type { GoalBudget, BudgetTicket } from '../../../src/runtime/goal/budget.js';
import { scopeOf, type GoalRuntime, type GoalScope } from '../../../src/runtime/goal/context.js';
import type { EnginePort } from '../../../src/runtime/goal/engine-port.js';
import { newOwnerId } from '../../../src/runtime/goal/owner.js';
import { recordTurnCost } from '../../../src/runtime/goal/turn-cost.js';
import { openStore, type SqliteStore } from '../../../src/runtime/store/sqlite-store.js';

/** The goal every budget test works on: a real SQLite store in a temp directory, with `budget.set` recorded. */
export const GOAL = 'g-budget';
/** No history: every estimate is the module's floor, 50 000 tokens / $0.10. */
export const FLOOR = 50_000;

export type TestScope = GoalScope & { lines: string[]; waiting: Promise<void> };

export interface BudgetHarness {
  dir: string;
  store: SqliteStore;
  /** One process's view of the goal: its own owner id, clock, engine and progress lines (`waiting` resolves when an admission waits). */
  scope(options?: { owner?: string; now?: () => Date; engine?: EnginePort }): TestScope;
  events(): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

export async function budgetHarness(limits: Partial<BudgetLimits>, perTask?: PerTaskLimits): Promise<BudgetHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-budget-'));
  const store = await openStore({ dbFile: path.join(dir, 'omk.db'), goalsDir: path.join(dir, 'goals') });
  await store.transaction(async (tx) => {
    await tx.createGoal({ id: GOAL, prompt: 'p' });
    await tx.appendEvent(GOAL, 'goal.created', { goal_id: GOAL, prompt: 'p' });
    await tx.appendEvent(GOAL, 'budget.set', { limits: { time_ms: null, tokens: null, usd_micros: null, ...limits }, source: 'test', ...(perTask ? { per_task: perTask } : {}) });
  });
  return {
    dir,
    store,
    scope(options = {}) {
      const lines: string[] = [];
      let onWait!: () => void;
      const waiting = new Promise<void>((resolve) => (onWait = resolve));
      const rt = {
        store,
        goalsDir: path.join(dir, 'goals'),
        now: options.now ?? (() => new Date()),
        signal: new AbortController().signal,
        progress: (line: string) => {
          lines.push(line);
          if (line.includes('waits for running workers')) onWait();
        },
        owner: options.owner ?? newOwnerId('worker'),
        engine: options.engine ?? { name: 'fake', runTurn: () => Promise.reject(new Error('not used')) },
      } as unknown as GoalRuntime;
      return { ...scopeOf(rt, GOAL), lines, waiting };
    },
    events: () => store.readEvents(GOAL),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Records what the turn holding `ticket` cost (this also settles its reservation), as execute-task does. */
export async function spend(scope: GoalScope, budget: GoalBudget, ticket: BudgetTicket | undefined, tokens: number): Promise<void> {
  const outcome = { started: true as const, stopReason: 'end_turn', text: '', usage: { input: tokens, output: 0, cacheRead: 0, cacheWrite: 0, exact: true }, costUsd: 0, model: 'm' };
  await recordTurnCost({ ...scope, budget }, `task:${ticket!.taskId}#1`, outcome, ticket!.taskId, ticket);
  await budget.settle(ticket, outcome);
}

export const ofType = (events: readonly EventEnvelope[], type: string): EventEnvelope[] => events.filter((e) => e.type === type);
