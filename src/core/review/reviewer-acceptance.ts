import type { ReviewerCriterionAnswer } from '../proof/acceptance.js';
import { redactSecrets } from '../redact.js';
import { jsonCandidates } from './reviewer-answer.js';

const STATUS: Record<string, ReviewerCriterionAnswer['status']> = {
  met: 'met', yes: 'met', true: 'met', pass: 'met', passed: 'met', done: 'met', satisfied: 'met', ok: 'met', fulfilled: 'met',
  unmet: 'unmet', 'not met': 'unmet', not_met: 'unmet', no: 'unmet', false: 'unmet', fail: 'unmet', failed: 'unmet', missing: 'unmet', unsatisfied: 'unmet',
  unclear: 'unclear', unknown: 'unclear', unverified: 'unclear', partial: 'unclear', partially: 'unclear', 'n/a': 'unclear', cannot_tell: 'unclear',
};

const MAX_CHARS = 500;

/**
 * The reviewer's answers about the plan's acceptance criteria, read as tolerantly as its section verdicts
 * (reviewer-answer.ts): an `acceptance` (or `criteria`) list of `{id, status, evidence}` or an object keyed
 * by id; ids matched exactly, case-insensitively, or by the criterion's text; statuses `met/yes/true/pass`,
 * `unmet/no/false/fail/not met`, `unclear/unknown`. A status that is none of these, or an id that names no
 * criterion, is no answer. Pure; never throws; strings redacted, one line, capped.
 */
export function parseReviewerAcceptance(text: string, criteria: ReadonlyArray<{ id: string; criterion: string }>): ReviewerCriterionAnswer[] {
  if (criteria.length === 0) return [];
  for (const candidate of jsonCandidates(text)) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    const entries = acceptanceEntries(value);
    if (entries === undefined) continue;
    const out = new Map<string, ReviewerCriterionAnswer>();
    for (const [key, entry] of entries) {
      const fields = isRecord(entry) ? entry : { status: entry };
      const id = match(key ?? fields.id ?? fields.criterion_id ?? fields.criterion ?? fields.name, criteria);
      const raw = fields.status ?? fields.verdict ?? fields.met;
      const status = typeof raw === 'string' ? STATUS[raw.trim().toLowerCase()] : typeof raw === 'boolean' ? (raw ? 'met' : 'unmet') : undefined;
      if (id === undefined || status === undefined || out.has(id)) continue;
      out.set(id, { id, status, notes: clean(fields.evidence ?? fields.notes ?? fields.reason ?? '') });
    }
    return criteria.map((c) => out.get(c.id)).filter((a): a is ReviewerCriterionAnswer => a !== undefined);
  }
  return [];
}

/** [key (object form) or undefined (list form), entry] pairs, or undefined when the value holds no acceptance answers. */
function acceptanceEntries(value: unknown): Array<[string | undefined, unknown]> | undefined {
  if (!isRecord(value)) return undefined;
  const list = value.acceptance ?? value.criteria ?? value.acceptance_criteria;
  if (Array.isArray(list)) return list.map((e) => [undefined, e]);
  if (isRecord(list)) return Object.entries(list);
  return undefined;
}

function match(raw: unknown, criteria: ReadonlyArray<{ id: string; criterion: string }>): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const key = raw.trim().toLowerCase();
  const byId = criteria.find((c) => c.id.toLowerCase() === key);
  if (byId) return byId.id;
  const byText = criteria.filter((c) => c.criterion.trim().toLowerCase() === key);
  return byText.length === 1 ? byText[0]!.id : undefined;
}

function clean(v: unknown): string {
  const s = Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('; ') : typeof v === 'string' ? v : '';
  const one = redactSecrets(s).replace(/\s+/g, ' ').trim();
  return one.length > MAX_CHARS ? `${one.slice(0, MAX_CHARS - 1)}…` : one;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
