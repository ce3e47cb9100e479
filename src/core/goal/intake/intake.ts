import { classifyGoal } from './classify.js';
import { normalizeRequest } from './normalize.js';
import { pickOracle } from './oracle.js';
import { assessWording } from './testability.js';
import type { Classification, IntakeInput, IntakeResult } from './types.js';

/**
 * Intake, pure: normalise, classify, decide testability, pick the oracle. Pass `classification` to use
 * another classifier's answer (an engine-based one); by default the heuristic rules decide.
 * A result with `testable: false` ends the goal `blocked_on_human` with `question`, before any agent runs;
 * with `askQuestions: false` (a team run) it never is.
 */
export function assessIntake(input: IntakeInput, classification?: Classification): IntakeResult {
  const normalized = normalizeRequest(input.request);
  const c = classification ?? classifyGoal(normalized, input.repo);
  const wording = assessWording(normalized);
  const choice = pickOracle(c.type, input.repo, input.gates);
  const base = {
    original: input.request,
    normalized,
    type: c.type,
    confidence: c.confidence,
    signals: c.signals,
    oracle: choice.oracle,
  };
  const question = !wording.testable ? (wording.question ?? '') : choice.question;
  if (question === undefined) return { ...base, testable: true };
  if (input.askQuestions === false) {
    const note = wording.testable ? 'no question asked: the run goes on, judged by the gates there are' : `no question asked although ${wording.reason}: the run goes on`;
    return { ...base, oracle: { ...choice.oracle, rationale: `${choice.oracle.rationale}; ${note}` }, testable: true };
  }
  return { ...base, testable: false, question };
}
