import { describe, expect, it } from 'vitest';
import { heuristicRoute } from '../../../src/core/chat/heuristic.js';
import { parseModelAnswer } from '../../../src/core/chat/model-answer.js';
import { normalisePrompt, pathTokens } from '../../../src/core/chat/normalise.js';
import { downgradeOf, preflightFor, type PreflightRules } from '../../../src/core/chat/preflight.js';
import type { RouteDecision } from '../../../src/core/chat/types.js';

describe('the router heuristic', () => {
  it.each([
    ['what does src/cli/main.ts do?', 'trivial'],
    ['Explain the event log', 'trivial'],
    ['how does the budget reservation work', 'trivial'],
    ['fix the typo in README.md', 'small'],
    ['rename parseArgs to parseArguments', 'small'],
    ['add a helper for dates and then add tests for it and then use it in the CLI', 'medium'],
    ['update src/a.ts, src/b.ts and src/c.ts to use the new logger', 'medium'],
    ['migrate the tests to vitest', 'large'],
    ['add rate limiting to the API', 'large'],
  ])('%s → %s', (text, route) => {
    expect(heuristicRoute(text)?.route).toBe(route);
  });

  it('cannot decide a request with no question and no change in it', () => {
    expect(heuristicRoute('the numbers thing from yesterday')).toBeNull();
    expect(heuristicRoute('   ')).toBeNull();
  });

  it('normalises case and spacing, and finds path-like tokens', () => {
    expect(normalisePrompt('  Fix   THE\n\tbug ')).toBe('fix the bug');
    expect(pathTokens('fix src/a.ts and README.md, not https://x.io/a.js or 1.5')).toEqual(['src/a.ts', 'README.md']);
  });
});

describe("reading the model's routing answer", () => {
  it('takes the JSON object out of prose or a fence and validates it', () => {
    expect(parseModelAnswer('Sure!\n```json\n{"route":"medium","confidence":0.7,"reason":"two  steps"}\n```')).toEqual({ ok: true, route: 'medium', confidence: 0.7, reason: 'two steps' });
  });

  it.each([
    ['no json here', 'holds no JSON object'],
    ['{"route": "huge", "confidence": 0.5, "reason": "x"}', 'route'],
    ['{"route": "small", "confidence": 7, "reason": "x"}', 'confidence'],
    ['{"route": "small", "confidence": 0.5}', 'reason'],
    ['{"route": "small", confidence: 0.5}', 'not valid JSON'],
  ])('refuses %s', (text, problem) => {
    const answer = parseModelAnswer(text);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.problem).toContain(problem);
  });
});

describe('asking before acting', () => {
  const rules: PreflightRules = { firstPromptConfidence: 0.85, minConfidence: 0.65, protectedPaths: ['migrations/**', 'package.json'], manyFiles: 3 };
  const d = (route: RouteDecision['route'], confidence: number, source: RouteDecision['source'] = 'heuristic'): RouteDecision => ({ route, confidence, reason: 'r', source, latency_ms: 1 });

  it('never for answers or forced routes', () => {
    expect(preflightFor(d('trivial', 0.1), 'x', true, rules)).toBeNull();
    expect(preflightFor(d('large', 0.1, 'forced'), 'x', true, rules)).toBeNull();
  });

  it('on low confidence, with a stricter bar for the first request', () => {
    expect(preflightFor(d('small', 0.8), 'fix it', true, rules)?.kind).toBe('low_confidence_first_prompt');
    expect(preflightFor(d('small', 0.8), 'fix it', false, rules)).toBeNull();
    expect(preflightFor(d('small', 0.6), 'fix it', false, rules)?.kind).toBe('low_confidence');
  });

  it('over a protected path or many files', () => {
    expect(preflightFor(d('small', 0.9), 'edit migrations/001.sql', false, rules)?.kind).toBe('protected_path');
    expect(preflightFor(d('medium', 0.9), 'bump package.json', false, rules)?.kind).toBe('protected_path');
    expect(preflightFor(d('medium', 0.9), 'touch a.ts b.ts c.ts', false, rules)?.kind).toBe('many_files');
    expect(preflightFor(d('medium', 0.9), 'touch a.ts b.ts', false, rules)).toBeNull();
  });

  it('downgrades large → medium → small, and no further', () => {
    expect([downgradeOf('large'), downgradeOf('medium'), downgradeOf('small')]).toEqual(['medium', 'small', null]);
  });
});
