import { globMatches } from '../goal/task-graph/globs.js';
import { pathTokens } from './normalise.js';
import type { PreflightAnswer, PreflightKind, Route, RouteDecision } from './types.js';

/** `[chat]`'s ask-before-acting rules, as numbers and lists (docs/chat.md "Asking before acting"). */
export interface PreflightRules {
  firstPromptConfidence: number;
  minConfidence: number;
  protectedPaths: readonly string[];
  manyFiles: number;
}

export interface Preflight {
  kind: PreflightKind;
  question: string;
}

/**
 * Whether the router must ask before running `decision`: never for an answer; for anything else when
 * the confidence is low (a stricter bar on the session's first request, whose user has not seen omk
 * route yet), when the request names a protected path, or when it names many files.
 */
export function preflightFor(decision: RouteDecision, text: string, firstPrompt: boolean, rules: PreflightRules): Preflight | null {
  if (decision.route === 'trivial' || decision.source === 'forced') return null;
  const pct = `${Math.round(decision.confidence * 100)}%`;
  if (firstPrompt && decision.confidence < rules.firstPromptConfidence) {
    return { kind: 'low_confidence_first_prompt', question: `Route this as ${describeRoute(decision.route)}? (confidence ${pct}: ${decision.reason})` };
  }
  if (decision.confidence < rules.minConfidence) {
    return { kind: 'low_confidence', question: `Route this as ${describeRoute(decision.route)}? (confidence only ${pct}: ${decision.reason})` };
  }
  const paths = pathTokens(text);
  const hit = paths.find((p) => rules.protectedPaths.some((glob) => globMatches(glob, p.replace(/^\.\//, '')) || p.startsWith(glob)));
  if (hit !== undefined) return { kind: 'protected_path', question: `This ${describeRoute(decision.route)} touches a protected path (${hit}). Go ahead?` };
  if (paths.length >= rules.manyFiles) return { kind: 'many_files', question: `This ${describeRoute(decision.route)} names ${paths.length} files. Go ahead?` };
  return null;
}

/** The next smaller route a downgrade goes to; null for the smallest that still edits. */
export function downgradeOf(route: Route): Route | null {
  if (route === 'large') return 'medium';
  if (route === 'medium') return 'small';
  return null;
}

export function describeRoute(route: Route): string {
  switch (route) {
    case 'trivial':
      return 'an answer';
    case 'small':
      return 'a small edit';
    case 'medium':
      return 'a short plan';
    case 'large':
      return 'a goal';
  }
}

export const PREFLIGHT_OPTIONS: readonly PreflightAnswer[] = ['accept', 'downgrade', 'explain', 'cancel'];
