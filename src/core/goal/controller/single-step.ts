import type { NextStep } from './next-step.js';

/** `omk goal execute|verify|review GOAL`: one phase of the loop, run by hand. */
export type SingleStep = 'execute' | 'verify' | 'review';

export type SingleStepAction =
  | { kind: 'perform'; step: NextStep }
  | { kind: 'stop'; reason: string }
  | { kind: 'refuse'; reason: string };

/**
 * What a single-step run does with the controller's next step. `execute` runs the pending baseline and
 * every task attempt until none is ready or running, then stops before integration. `verify` runs one
 * integration pass (merge, oracle gates on the combined tree) — again, if one already ran — and needs
 * the tasks finished. `review` runs the review wall on the integrated head and needs an integration.
 * Pure, so the rules are testable without a repository.
 */
export function singleStepAction(only: SingleStep, step: NextStep, performed: number, facts: { planned: boolean; integrated: boolean }): SingleStepAction {
  const early = !facts.planned || step.kind === 'intake' || step.kind === 'plan';
  if (only === 'execute') {
    if (early) return { kind: 'refuse', reason: `the goal is not planned (next step: ${step.kind}); run omk goal resume` };
    if (step.kind === 'baseline' || step.kind === 'execute' || step.kind === 'wait') return { kind: 'perform', step };
    return { kind: 'stop', reason: performed === 0 ? 'nothing to execute: no task is ready' : 'no task is ready or running; next: omk goal verify' };
  }
  if (performed > 0) return { kind: 'stop', reason: only === 'verify' ? 'integrated and gated; next: omk goal review' : 'reviewed; next: omk goal resume (proof)' };
  const unfinished = early || step.kind === 'baseline' || step.kind === 'execute' || step.kind === 'wait';
  if (unfinished) return { kind: 'refuse', reason: `tasks are still to run (next step: ${step.kind}); run omk goal execute first` };
  if (only === 'verify') return { kind: 'perform', step: { kind: 'integrate' } };
  if (!facts.integrated) return { kind: 'refuse', reason: 'nothing is integrated yet; run omk goal verify first' };
  return { kind: 'perform', step: { kind: 'review' } };
}
