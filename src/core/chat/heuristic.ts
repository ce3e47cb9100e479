import { normalisePrompt, pathTokens } from './normalise.js';
import type { Route } from './types.js';

/**
 * The router's first pass (docs/chat.md "Router"): cheap rules over the normalised request. It
 * answers only when the request reads clearly as one route, and returns null otherwise — then
 * the model is asked. Confidence is the rule's, not a probability.
 */
export interface HeuristicDecision {
  route: Route;
  confidence: number;
  reason: string;
}

/** Starts of a question that asks to be told, not to change anything. */
const QUESTION_STARTS = [
  'what', 'why', 'how', 'where', 'which', 'who', 'when', 'is', 'are', 'does', 'do', 'can', 'could', 'should',
  'explain', 'describe', 'show', 'list', 'summarise', 'summarize', 'summary of', 'define', 'tell me', 'find',
];

/** Verbs that ask for a change. */
const EDIT_VERBS = [
  'fix', 'rename', 'change', 'update', 'add', 'remove', 'delete', 'replace', 'make', 'set', 'bump', 'correct',
  'edit', 'write', 'create', 'implement', 'refactor', 'move', 'extract', 'convert', 'migrate', 'rewrite', 'port',
  'introduce', 'support', 'build', 'split', 'merge', 'optimise', 'optimize', 'improve', 'clean up', 'tidy',
];

/** Phrases that mean a feature, an architectural change or a sweep: a goal. */
const LARGE_MARKERS = [
  'migrate', 'migration', 'rewrite', 'port the', 'port to', 'architecture', 're-architect', 'across the codebase',
  'across the code base', 'whole codebase', 'entire codebase', 'every file', 'all files', 'all the tests',
  'new feature', 'end to end', 'end-to-end', 'authentication', 'authorisation', 'authorization', 'rate limiting',
  'rate-limiting', 'from scratch', 'redesign', 'overhaul', 'new service', 'multi-tenant', 'internationali',
];

/** Phrases that mean several bounded steps: a short plan. */
const MEDIUM_MARKERS = ['and then', 'then add', 'step by step', 'and add tests', 'with tests', 'tests for', 'test coverage', 'refactor'];

const startsWithWord = (text: string, word: string): boolean => text === word || text.startsWith(`${word} `) || text.startsWith(`${word}'`);

export function heuristicRoute(text: string): HeuristicDecision | null {
  const t = normalisePrompt(text);
  if (t === '') return null;
  const editVerb = EDIT_VERBS.find((v) => startsWithWord(t, v) || t.includes(` ${v} `) || t.startsWith(`please ${v} `) || t.startsWith(`can you ${v} `));
  const question = QUESTION_STARTS.find((q) => startsWithWord(t, q));
  const large = LARGE_MARKERS.find((m) => t.includes(m));
  const files = pathTokens(text).length;

  // A question that asks for no change: answer it.
  if (question !== undefined && (editVerb === undefined || t.endsWith('?')) && large === undefined && t.length <= 300) {
    return { route: 'trivial', confidence: t.endsWith('?') || editVerb === undefined ? 0.95 : 0.8, reason: `a question ("${question} …") that asks for no change` };
  }
  if (editVerb === undefined) return null;
  if (large !== undefined) return { route: 'large', confidence: 0.85, reason: `"${large}" reads as a feature or a sweep across the code: a goal` };
  const steps = t.split(/ and then |;|\n| then |\d\)\s/).filter((s) => s.trim().length >= 10).length;
  const medium = MEDIUM_MARKERS.find((m) => t.includes(m));
  if (steps >= 3 || files >= 3 || (medium !== undefined && t.length > 40)) {
    const why = steps >= 3 ? `${steps} steps` : files >= 3 ? `${files} files` : `"${medium}"`;
    return { route: 'medium', confidence: 0.75, reason: `an edit with ${why}: a short plan` };
  }
  if (t.length <= 160 && files <= 2) {
    return { route: 'small', confidence: files === 1 ? 0.9 : 0.8, reason: files === 1 ? `one bounded edit ("${editVerb}") to one file` : `one bounded edit ("${editVerb}")` };
  }
  return null;
}
