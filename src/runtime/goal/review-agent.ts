import { liveReporter } from './live.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { reviewerPrompt } from '../../core/goal/controller/prompts.js';
import type { ReviewSectionName, ReviewWall } from '../../core/proof/evidence.js';
import { redactSecrets } from '../../core/redact.js';
import type { ReviewerCriterionAnswer } from '../../core/proof/acceptance.js';
import { parseReviewerAcceptance } from '../../core/review/reviewer-acceptance.js';
import { parseReviewerAnswer } from '../../core/review/reviewer-answer.js';
import type { ReviewerTurnResult } from '../../core/review/reviewer-wall.js';
import type { ReviewerOpinion } from '../../core/review/wall.js';
import { changedBetween, headSha, integrationWorktreeDir, resetHard, workingTreeChanges } from '../git/index.js';
import { approverFor } from './approval.js';
import type { GoalScope } from './context.js';
import { gitContext } from './context.js';
import type { EnginePort } from './engine-port.js';
import { goalRelative, transcriptFile } from './goal-dir.js';
import { runBudgetedTurn } from './turn-guard.js';

/** What the review artifact records about the reviewer agent (docs/review-wall.md). */
export interface ReviewerRecord {
  engine: string;
  model: string | null;
  outcome: ReviewerTurnResult['outcome'];
  /** Why it did not run or could not be read. */
  detail?: string;
  /** Goal-relative; null when no turn was started. */
  transcript: string | null;
  opinions: ReviewerOpinion[];
  /** Sections its answer left unjudged, and why. */
  missing: Array<{ section: ReviewSectionName; why: string }>;
  warnings: string[];
  /** The start of an unreadable answer (redacted), to see what it said instead. */
  answer_excerpt?: string;
  /** Its readable answers about the plan's acceptance criteria (answered turns only; docs/review-wall.md "Acceptance criteria"). */
  acceptance?: ReviewerCriterionAnswer[];
}

export interface ReviewerInput {
  request: string;
  baseSha: string;
  headSha: string;
  round: number;
  files: ReadonlyArray<{ status: string; path: string }>;
  patch: string;
  /** The deterministic wall, shown to the reviewer. */
  checks: ReviewWall;
  /** The plan's acceptance criteria, each to be judged. */
  criteria?: ReadonlyArray<{ id: string; criterion: string }>;
}

const EXCERPT_CHARS = 500;

/**
 * One reviewer turn over the integrated head: read-only (`plan` approval, the integration worktree as
 * its only directory), admitted and charged against the goal's budget like the planner (a refusal
 * throws BudgetRefusedError, which the driver turns into the proof). Anything the agent does — not
 * starting, a failed turn, an unreadable answer — is a result, never a throw; files it changed despite
 * read-only mode are discarded (the worktree reset to head) and reported as a warning.
 */
export async function askReviewer(scope: GoalScope, reviewer: EnginePort, input: ReviewerInput): Promise<{ turn: ReviewerTurnResult; record: ReviewerRecord }> {
  const { rt } = scope;
  const notRun = (detail: string, ran: { model?: string | undefined; transcript?: string | null; warnings?: string[] } = {}) => ({
    turn: { outcome: 'not_run' as const, reviewer: ran.model ? `${reviewer.name}:${ran.model}` : reviewer.name, detail, warnings: ran.warnings ?? [] },
    record: { engine: reviewer.name, model: ran.model ?? null, outcome: 'not_run' as const, detail, transcript: ran.transcript ?? null, opinions: [], missing: [], warnings: ran.warnings ?? [] },
  });
  const cwd = path.join(rt.worktreesRoot, integrationWorktreeDir(scope.goalId));
  if (!existsSync(cwd)) return notRun(`the integration worktree ${cwd} is missing, so there was nothing to review in`);
  const git = gitContext(rt, cwd);
  const at = await headSha(git);
  if (at !== input.headSha) return notRun(`the integration worktree is at ${at.slice(0, 12)}, not the reviewed head ${input.headSha.slice(0, 12)}`);
  const before = (await workingTreeChanges(git, input.headSha)).tree;

  const file = transcriptFile(scope.dir, '_reviewer', input.round);
  const ticket = await scope.budget?.admit('planner', '_reviewer');
  // The turn is run and costed under the reviewer's engine, which may not be the executor's.
  const { outcome, stop } = await runBudgetedTurn({ ...scope, rt: { ...rt, engine: reviewer } }, ticket, { source: 'reviewer' }, {
    role: 'reviewer',
    cwd,
    prompt: reviewerPrompt({ goalId: scope.goalId, ...input }),
    mode: 'plan',
    approve: approverFor(scope, cwd, 'plan'),
    transcriptFile: file,
    signal: rt.signal,
    onActivity: (line) => rt.progress(`reviewer: ${line}`),
    onLive: (activity) => liveReporter(rt, scope.goalId, { role: 'reviewer' }).report(activity),
  });
  if (stop) throw stop;
  if (rt.signal.aborted) throw new OmkError('interrupted', 'the review was interrupted');

  const warnings: string[] = [];
  const after = await workingTreeChanges(git, input.headSha);
  if (after.tree !== before) {
    const paths = (await changedBetween(git, before, after.tree)).map((f) => f.path);
    await resetHard(git, { to: input.headSha });
    warnings.push(`changed ${paths.join(', ') || 'the worktree'} although it was read-only; omk discarded the changes`);
  }
  if (!outcome.started) return notRun(`the reviewer engine could not start: ${outcome.detail}`, { warnings });
  const transcript = goalRelative(scope.dir, file);
  if (outcome.stopReason !== 'end_turn') {
    const why = `its turn ended with ${outcome.stopReason}${outcome.errorMessage ? `: ${outcome.errorMessage}` : ''}`;
    return notRun(why, { model: outcome.model, transcript, warnings });
  }
  const name = outcome.model ? `${reviewer.name}:${outcome.model}` : reviewer.name;
  const base = { engine: reviewer.name, model: outcome.model ?? null, transcript, warnings };
  const parsed = parseReviewerAnswer(outcome.text, { reviewer: name, reviewedSha: input.headSha });
  if (!parsed.ok) {
    const excerpt = redactSecrets(outcome.text).slice(0, EXCERPT_CHARS);
    return {
      turn: { outcome: 'unreadable', reviewer: name, detail: parsed.problem, warnings },
      record: { ...base, outcome: 'unreadable', detail: parsed.problem, opinions: [], missing: [], answer_excerpt: excerpt },
    };
  }
  return {
    turn: { outcome: 'answered', reviewer: name, answer: parsed.value, warnings },
    record: { ...base, outcome: 'answered', opinions: parsed.value.opinions, missing: parsed.value.missing, acceptance: parseReviewerAcceptance(outcome.text, input.criteria ?? []) },
  };
}
