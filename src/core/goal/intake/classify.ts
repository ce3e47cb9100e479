import { CLASSIFICATION_RULES, EMPTY_REPO_WEIGHT, TIE_ORDER } from './rules.js';
import type { Classification, ClassificationSignal, GoalClassifier, GoalType, RepoFacts } from './types.js';

/** The type chosen when no rule fires: most requests that name nothing more specific are features. */
export const DEFAULT_GOAL_TYPE: GoalType = 'feature';

/** A score this high is "decisive" for the strength half of the confidence. */
const DECISIVE_SCORE = 3;
const FLOOR = 0.2;
const SPAN = 0.75;

/**
 * Deterministic, rule-based classification (docs/intake.md, "Classification").
 * confidence = 0.2 + 0.75 × strength × (0.5 + 0.5 × margin), where strength = min(top, 3) / 3 and
 * margin = (top − runner-up) / top; 0.2 when nothing matched.
 */
export function classifyGoal(normalized: string, repo: RepoFacts): Classification {
  const text = normalized.toLowerCase();
  const found: Array<ClassificationSignal & { at: number }> = [];
  for (const rule of CLASSIFICATION_RULES) {
    const m = rule.pattern.exec(text);
    if (m) found.push({ type: rule.type, rule: rule.id, weight: rule.weight, match: m[0].trim(), at: m.index });
  }
  found.sort((a, b) => a.at - b.at || a.rule.localeCompare(b.rule));
  const signals: ClassificationSignal[] = found.map(({ type, rule, weight, match }) => ({ type, rule, weight, match }));
  if (repo.languages.length === 0 && repo.gates.length === 0) {
    signals.push({ type: 'greenfield', rule: 'empty-repository', weight: EMPTY_REPO_WEIGHT, match: 'no language and no gate detected' });
  }

  const totals = new Map<GoalType, number>();
  for (const s of signals) totals.set(s.type, (totals.get(s.type) ?? 0) + s.weight);
  const scores = [...totals.entries()]
    .map(([type, score]) => ({ type, score }))
    .sort((a, b) => b.score - a.score || TIE_ORDER.indexOf(a.type) - TIE_ORDER.indexOf(b.type));

  const top = scores[0];
  if (top === undefined) return { type: DEFAULT_GOAL_TYPE, confidence: FLOOR, signals, scores };
  const second = scores[1]?.score ?? 0;
  const strength = Math.min(top.score, DECISIVE_SCORE) / DECISIVE_SCORE;
  const margin = (top.score - second) / top.score;
  const confidence = Math.round((FLOOR + SPAN * strength * (0.5 + 0.5 * margin)) * 100) / 100;
  return { type: top.type, confidence, signals, scores };
}

/** The heuristic classifier behind the GoalClassifier interface. */
export const heuristicClassifier: GoalClassifier = {
  name: 'heuristic',
  classify: (normalized, repo) => Promise.resolve(classifyGoal(normalized, repo)),
};
