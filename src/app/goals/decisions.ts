import type { HumanDecision } from '../../core/proof/evidence.js';
import { decisionAuthor, recordHumanDecision, type HumanDecisionResult } from '../../runtime/goal-decisions/index.js';
import type { AppContext } from '../context.js';
import { withRepoStore } from '../repo.js';

export type { HumanDecisionResult } from '../../runtime/goal-decisions/index.js';

/**
 * `accept` / `reject`: a human decision recorded as evidence, and the proof re-derived (docs/goals.md
 * "Human decisions and diagnosis"). An acceptance never stands in for missing evidence.
 */
export function decideGoal(ctx: AppContext, ref: string, kind: HumanDecision['kind'], text: string): Promise<HumanDecisionResult> {
  return withRepoStore(ctx, 'write', async (store, paths) => {
    const by = await decisionAuthor(ctx.env, paths.repoRoot);
    return recordHumanDecision({ store, goalsDir: paths.goalsDir, goalRef: ref, kind, text, by, now: ctx.now, git: { cwd: paths.repoRoot, env: ctx.env } });
  });
}
