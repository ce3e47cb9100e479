import type { SingleStep } from '../core/goal/controller/single-step.js';
import type { HumanDecision } from '../core/proof/evidence.js';
import type { ReplayFormat } from '../core/goal/controller/replay.js';
import type { AppContext } from './context.js';
import type { BudgetAddition } from './goals/budget.js';
import type { GoalRunOptions } from './goals/run.js';
import type { WatchHandlers } from './goals/watch.js';

/**
 * The goal service: the one place every surface (CLI, REPL, dashboard, MCP) calls to drive or read a
 * goal. Each method loads its module on first use, so a surface that only reads status never loads
 * the driver, the engines or the delivery code (docs/decisions/0001, start-up budget).
 */
export function goalService(ctx: AppContext) {
  return {
    run: async (request: string, opts: GoalRunOptions = {}) => (await import('./goals/run.js')).runGoalToVerdict(ctx, request, opts),
    runDetached: async (request: string, opts: GoalRunOptions = {}) => (await import('./goals/run.js')).startGoalDetached(ctx, request, opts),
    plan: async (request: string, opts: Pick<GoalRunOptions, 'engine' | 'gates' | 'base'> = {}) => (await import('./goals/run.js')).planGoal(ctx, request, opts),
    team: async (spec: string, task: string, opts: GoalRunOptions = {}) => (await import('./goals/team.js')).runTeam(ctx, spec, task, opts),
    status: async (ref = 'latest') => (await import('./goals/read.js')).goalStatus(ctx, ref),
    list: async () => (await import('./goals/read.js')).goalList(ctx),
    show: async (ref: string) => (await import('./goals/show.js')).goalShow(ctx, ref),
    proof: async (ref: string, format: 'md' | 'json' = 'md') => (await import('./goals/proof.js')).readGoalProof(ctx, ref, format),
    verify: async (ref: string) => (await import('./goals/proof.js')).verifyGoalProof(ctx, ref),
    replay: async (ref: string, opts: { from?: number; format?: ReplayFormat } = {}) => (await import('./goals/proof.js')).replayGoal(ctx, ref, opts),
    watch: async (ref: string, opts: { from?: number } & WatchHandlers = {}) => (await import('./goals/watch.js')).watchGoal(ctx, ref, opts),
    pause: async (ref: string, opts: { reason?: string; by?: string } = {}) => (await import('./goals/control.js')).pauseGoal(ctx, ref, opts),
    cancel: async (ref: string, opts: { reason?: string; by?: string } = {}) => (await import('./goals/control.js')).cancelGoal(ctx, ref, opts),
    resume: async (ref: string, opts: { engine?: string } = {}) => (await import('./goals/control.js')).resumeGoalToVerdict(ctx, ref, opts),
    step: async (ref: string, only: SingleStep, opts: { engine?: string } = {}) => (await import('./goals/control.js')).stepGoal(ctx, ref, only, opts),
    decide: async (ref: string, kind: HumanDecision['kind'], text: string) => (await import('./goals/decisions.js')).decideGoal(ctx, ref, kind, text),
    budget: async (ref: string) => (await import('./goals/budget.js')).goalBudget(ctx, ref),
    budgetAdd: async (ref: string, add: BudgetAddition, opts: { engine?: string; onResume?: (goalId: string, texts: string[]) => void } = {}) =>
      (await import('./goals/budget.js')).addGoalBudget(ctx, ref, add, opts),
    diagnose: async (ref: string) => (await import('./goals/diagnose.js')).diagnoseGoal(ctx, ref),
    openPr: async (ref: string, opts: { dryRun?: boolean; draft?: boolean; remote?: string; base?: string } = {}) => (await import('./goals/delivery.js')).openGoalPullRequest(ctx, ref, opts),
    merge: async (ref: string, opts: { policy?: string; remote?: string } = {}) => (await import('./goals/delivery.js')).mergeGoalPullRequest(ctx, ref, opts),
  };
}

export type GoalService = ReturnType<typeof goalService>;
