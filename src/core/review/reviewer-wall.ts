import { REVIEW_SECTIONS, type ReviewWall } from '../proof/evidence.js';
import type { ParsedReviewerAnswer } from './reviewer-answer.js';
import { mergeReviewerOpinions } from './wall.js';

/** How a reviewer agent's turn went, as the review wall takes it. */
export type ReviewerTurnResult =
  | { outcome: 'answered'; reviewer: string; answer: ParsedReviewerAnswer; warnings: readonly string[] }
  /** `not_run`: no session, a failed turn, nothing to review in; `unreadable`: it answered, but no verdict could be read. */
  | { outcome: 'not_run' | 'unreadable'; reviewer: string; detail: string; warnings: readonly string[] };

/**
 * Folds a reviewer's turn into the deterministic wall. Its opinions merge by mergeReviewerOpinions
 * (the worse status wins: a reviewer can fail a section, never pass one the checks failed). A section
 * the reviewer left unjudged — it never ran, its answer was unreadable, or it skipped that section —
 * keeps the checks' status and gets a risk saying so, so a reviewer's silence is never read as a pass.
 * `warnings` (e.g. it wrote files in read-only mode) become a risk in every section. Pure.
 */
export function applyReviewerTurn(wall: ReviewWall, turn: ReviewerTurnResult): ReviewWall {
  const who = `reviewer ${turn.reviewer}`;
  const out = mergeReviewerOpinions(wall, turn.outcome === 'answered' ? turn.answer.opinions : []);
  const unjudged =
    turn.outcome === 'answered'
      ? turn.answer.missing.map((m) => ({ section: m.section, risk: `${who} gave no readable opinion (${m.why}); only omk's checks judged this section` }))
      : REVIEW_SECTIONS.map((section) => ({
          section,
          risk: `${who} ${turn.outcome === 'not_run' ? 'did not run' : 'answer unreadable'}: ${turn.detail}; only omk's checks judged this section`,
        }));
  for (const u of unjudged) out[u.section].risks.push(u.risk);
  for (const w of turn.warnings) for (const name of REVIEW_SECTIONS) out[name].risks.push(`${who}: ${w}`);
  return out;
}
