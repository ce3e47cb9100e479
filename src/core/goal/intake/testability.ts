import { wordCount } from './normalize.js';
import { CLASSIFICATION_RULES } from './rules.js';

/** Asked when the request does not say what should change or how success is shown. */
export const VAGUE_QUESTION = 'Which behaviour should change, and how will we know it works — which test or command must pass?';
export const EMPTY_QUESTION = 'What should this goal achieve? Describe the change and the test or command that must pass when it is done.';
export const MIN_WORDS = 3;

/**
 * Phrases that carry no testable content by themselves. They are blanked out before looking for
 * concrete signals, so "fix everything" does not count as a fix.
 */
export const VAGUE_PHRASES: readonly RegExp[] = [
  /\bmake (it|this|that|things|everything|the (code|project|app|codebase)) (better|good|great|nicer|awesome|cleaner|faster|work better|production[- ]ready)\b/g,
  /\bimprove (it|this|that|things|everything|stuff|the (code|codebase|project|app|quality))\b/g,
  /\b(fix|clean up|tidy up|polish|optimi[sz]e|moderni[sz]e|refactor) (it all|everything|all the things|things|stuff|the codebase)\b/g,
  /\b(general|various|some|misc(ellaneous)?) (improvements|fixes|cleanups?|changes|tweaks)\b/g,
  /\b(do (some )?magic|state[- ]of[- ]the[- ]art|best practices|make it awesome|make magic happen|you know what to do|whatever you think|(the )?things we (discussed|talked about)|what we (discussed|talked about))\b/g,
];

/** Things a test or command could check: paths, identifiers, quoted text, issue numbers, measurable targets. */
const CONCRETE_ANCHORS: readonly RegExp[] = [
  /[\w.-]+\/[\w./-]+/, // a path
  /\b[\w-]+\.(ts|tsx|js|jsx|mjs|cjs|py|rs|go|java|kt|rb|php|c|h|cc|cpp|hpp|cs|swift|md|json|toml|ya?ml|sql|sh|css|html|vue|svelte)\b/i,
  /\b[a-z]+[A-Z]\w*\b/, // camelCase identifier
  /\b[a-z]+_[a-z0-9_]+\b/i, // snake_case identifier
  /\w\(\)/, // call
  /`[^`]+`|"[^"]{2,}"|'[^']{3,}'/, // code or a quoted message
  /#\d+\b|\b[1-5]\d\d\b/, // issue number, HTTP status
  /(^|\s)--?[a-z][\w-]*/i, // a CLI flag
  /\b(tests?|passes|pass|returns?|exit (code|status)|endpoint|command|subcommand|flag|function|method|class|module|api|cli|error message|benchmark|coverage|gate)\b/i,
];

export interface Testability {
  testable: boolean;
  question?: string;
  /** Why, in one clause (used in the oracle rationale and in docs/tests). */
  reason: string;
}

/** The phrase half of the testability rule; the oracle half (gates exist for the type) is in oracle.ts. */
export function assessWording(normalized: string): Testability {
  if (normalized === '') return { testable: false, question: EMPTY_QUESTION, reason: 'the request is empty' };
  if (wordCount(normalized) < MIN_WORDS) {
    return { testable: false, question: VAGUE_QUESTION, reason: `the request has fewer than ${MIN_WORDS} words` };
  }
  const lower = normalized.toLowerCase();
  const rest = VAGUE_PHRASES.reduce((text, re) => text.replace(re, (m) => ' '.repeat(m.length)), lower);
  if (rest === lower) return { testable: true, reason: 'no vague phrase' };
  // Anchors are looked for in the original case (camelCase), but only where no vague phrase was.
  const restOriginal = lower.length === normalized.length ? rest.split('').map((c, i) => (c === ' ' ? ' ' : normalized[i])).join('') : rest;
  const concrete =
    CONCRETE_ANCHORS.some((re) => re.test(restOriginal)) ||
    CLASSIFICATION_RULES.some((rule) => rule.weight === 3 && rule.pattern.test(rest));
  if (concrete) return { testable: true, reason: 'a vague phrase, but also a concrete, checkable detail' };
  return { testable: false, question: VAGUE_QUESTION, reason: 'only vague wording, nothing a test or command could check' };
}
