import path from 'node:path';
import type { OmkConfig } from '../../core/config/types.js';
import type { Store } from '../../core/store/store.js';
import { goalDir, recordedOptions, type GoalRunResult } from '../../runtime/goal/index.js';
import type { AfterRunDelivery, DeliveryPolicies } from '../../runtime/goal-delivery/index.js';
import type { AppContext } from '../context.js';
import type { RepoPaths } from '../repo.js';

export type { AfterRunDelivery } from '../../runtime/goal-delivery/index.js';

/** What a run, resume or budget-add ended with: the verdict (or stop), and what delivery did. */
export interface RunOutcome {
  result: GoalRunResult;
  goalDir: string;
  /** Undefined for `goal plan` and single steps, which deliver nothing. */
  delivery: AfterRunDelivery | undefined;
}

/**
 * The end of `run` / `resume` / `budget-add`: delivers under the run's policies (or, on a resume, the
 * ones goal.json recorded). A delivery failure is recorded and returned, never changing the verdict.
 */
export async function deliverAfterRun(
  ctx: AppContext,
  input: { store: Store; paths: RepoPaths; result: GoalRunResult; config: OmkConfig; policies?: DeliveryPolicies },
): Promise<RunOutcome> {
  const { result, paths } = input;
  const { deliverAfterRun: deliver, recordedPolicies } = await import('../../runtime/goal-delivery/index.js');
  const recorded = input.policies ? undefined : await recordedOptions(goalDir(paths.goalsDir, result.goalId).goalJson);
  const delivery = await deliver({
    store: input.store,
    goalsDir: paths.goalsDir,
    goalId: result.goalId,
    status: result.status,
    proof: result.proof,
    git: { cwd: paths.repoRoot, env: ctx.env, signal: ctx.signal },
    config: input.config,
    policies: input.policies ?? recordedPolicies(recorded ?? {}, input.config),
  });
  return { result, goalDir: path.join(paths.goalsDir, result.goalId), delivery };
}
