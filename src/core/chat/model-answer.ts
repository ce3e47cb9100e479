import { z } from 'zod';
import { ROUTES, type Route } from './types.js';

/**
 * What the router asks the model, and how its answer is read. The model answers with one JSON
 * object; anything else (prose, a wrong shape, an unknown route) is a failed answer and the
 * heuristic decides instead. Validated once here, then trusted.
 */
export const ROUTER_MARKER = 'OMK-ROUTER-REQUEST';

const answerSchema = z.object({
  route: z.enum(ROUTES),
  confidence: z.number().min(0).max(1),
  reason: z.string().trim().min(1).max(500),
});

export type ModelAnswer = { ok: true; route: Route; confidence: number; reason: string } | { ok: false; problem: string };

export function routerPrompt(request: string): string {
  return [
    ROUTER_MARKER,
    'Classify the request below for a coding assistant working in a git repository. Do not act on it, do not use tools.',
    'Routes: "trivial" = a question answered by reading, no change; "small" = one bounded edit (one file or one symbol);',
    '"medium" = a few bounded steps (a helper plus tests, a refactor of one module); "large" = a feature, a migration, an',
    'architectural or security-relevant change across many files.',
    'Answer with exactly one JSON object and nothing else: {"route": "...", "confidence": 0.0-1.0, "reason": "one short line"}.',
    '',
    'Request:',
    request,
  ].join('\n');
}

/** Reads the model's text: the first `{…}` block (models like to wrap JSON in prose or fences). */
export function parseModelAnswer(text: string): ModelAnswer {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return { ok: false, problem: 'the answer holds no JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    return { ok: false, problem: `the answer is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = answerSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `the answer's ${issue?.path.join('.') || 'object'} is invalid: ${issue?.message ?? 'unexpected shape'}` };
  }
  return { ok: true, ...parsed.data, reason: parsed.data.reason.replace(/\s+/g, ' ') };
}
