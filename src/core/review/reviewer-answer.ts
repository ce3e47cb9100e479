import { redactSecrets } from '../redact.js';
import { REVIEW_SECTIONS, type ReviewSectionName } from '../proof/evidence.js';
import type { ReviewerOpinion } from './wall.js';

/** What a reviewer's answer said, section by section. */
export interface ParsedReviewerAnswer {
  opinions: ReviewerOpinion[];
  /** Sections with no readable opinion, each with why (for the section's risk). */
  missing: Array<{ section: ReviewSectionName; why: string }>;
}

export type ReviewerAnswerResult = { ok: true; value: ParsedReviewerAnswer } | { ok: false; problem: string };

/** Caps that keep one talkative reviewer from swelling the review artifact and the proof. */
const MAX_ITEMS = 20;
const MAX_CHARS = 1000;
/** Brace-scanning starts tried before giving up on prose full of `{`. */
const MAX_CANDIDATES = 64;

const STATUS: Record<string, ReviewerOpinion['status']> = {
  pass: 'pass',
  passed: 'pass',
  ok: 'pass',
  warn: 'warn',
  warning: 'warn',
  warnings: 'warn',
  fail: 'fail',
  failed: 'fail',
};

/**
 * Reads a reviewer agent's final text: the JSON verdict may sit in a ```json fence or among prose,
 * keyed by section (`{"sections": {"code": {...}}}`, the sections at the top level, or a list of
 * `{"section": ...}` entries). Tolerant of case, `passed`/`failed`/`warning`, and a string where a
 * list was asked for; strict about what counts: a status other than pass/warn/fail is no opinion.
 * Every string is redacted and capped. Never throws: no readable verdict is `{ok: false}` with why.
 */
export function parseReviewerAnswer(text: string, who: { reviewer: string; reviewedSha: string }): ReviewerAnswerResult {
  const found = findVerdict(text);
  if (!found.ok) return found;
  const opinions: ReviewerOpinion[] = [];
  const missing: ParsedReviewerAnswer['missing'] = [];
  for (const section of REVIEW_SECTIONS) {
    const entry = found.entries.get(section);
    if (entry === undefined) {
      missing.push({ section, why: 'the answer gave no opinion on this section' });
      continue;
    }
    const opinion = readOpinion(section, entry, who);
    if (typeof opinion === 'string') missing.push({ section, why: opinion });
    else opinions.push(opinion);
  }
  if (opinions.length === 0) return { ok: false, problem: `no section had a readable opinion (${missing.map((m) => `${m.section}: ${m.why}`).join('; ')})` };
  return { ok: true, value: { opinions, missing } };
}

type Found = { ok: true; entries: Map<ReviewSectionName, unknown> } | { ok: false; problem: string };

function findVerdict(text: string): Found {
  let sawJson = false;
  for (const candidate of jsonCandidates(text)) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    sawJson = true;
    const entries = sectionEntries(value);
    if (entries.size > 0) return { ok: true, entries };
  }
  if (text.trim() === '') return { ok: false, problem: 'the answer was empty' };
  return { ok: false, problem: sawJson ? 'its JSON names none of the six sections' : 'the answer holds no JSON verdict' };
}

/** JSON texts in an answer: fenced blocks first (json-tagged before bare), then each balanced `{…}`/`[…]` found in the text. */
export function* jsonCandidates(text: string): Generator<string> {
  const fences = [...text.matchAll(/```([a-zA-Z]*)[ \t]*\r?\n([\s\S]*?)```/g)];
  for (const f of fences.filter((m) => m[1]!.toLowerCase() === 'json')) yield f[2]!.trim();
  for (const f of fences.filter((m) => m[1]!.toLowerCase() !== 'json')) yield f[2]!.trim();
  let tried = 0;
  for (let i = 0; i < text.length && tried < MAX_CANDIDATES; i++) {
    const c = text[i];
    if (c !== '{' && c !== '[') continue;
    tried++;
    const end = balancedEnd(text, i);
    if (end !== undefined) yield text.slice(i, end + 1);
  }
}

/** Index of the bracket closing the one at `start`, skipping brackets inside JSON strings. */
function balancedEnd(text: string, start: number): number | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') stack.push('}');
    else if (c === '[') stack.push(']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return undefined;
      if (stack.length === 0) return i;
    }
  }
  return undefined;
}

/** Section name → the raw entry, from any of the accepted shapes. */
function sectionEntries(value: unknown): Map<ReviewSectionName, unknown> {
  const out = new Map<ReviewSectionName, unknown>();
  const container = isRecord(value) && value.sections !== undefined ? value.sections : value;
  if (Array.isArray(container)) {
    for (const item of container) {
      const name = isRecord(item) ? sectionName(item.section ?? item.name) : undefined;
      if (name && !out.has(name)) out.set(name, item);
    }
  } else if (isRecord(container)) {
    for (const [key, item] of Object.entries(container)) {
      const name = sectionName(key);
      if (name && !out.has(name)) out.set(name, item);
    }
  }
  return out;
}

function sectionName(raw: unknown): ReviewSectionName | undefined {
  if (typeof raw !== 'string') return undefined;
  const key = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (REVIEW_SECTIONS as readonly string[]).includes(key) ? (key as ReviewSectionName) : undefined;
}

/** The opinion, or why the entry is none. */
function readOpinion(section: ReviewSectionName, entry: unknown, who: { reviewer: string; reviewedSha: string }): ReviewerOpinion | string {
  const fields = isRecord(entry) ? entry : { status: entry };
  const raw = fields.status ?? fields.verdict;
  const status = typeof raw === 'string' ? STATUS[raw.trim().toLowerCase()] : undefined;
  if (status === undefined) return `its status ${JSON.stringify(raw ?? null).slice(0, 40)} is not pass, warn or fail`;
  const evidence = strings(fields.evidence);
  const notes = firstString(fields.notes, fields.summary, fields.reason) ?? evidence[0] ?? '(no notes given)';
  const risks = strings(fields.risks);
  const gaps = strings(fields.gaps);
  return {
    section,
    reviewer: who.reviewer,
    status,
    notes: clean(notes),
    reviewed_sha: who.reviewedSha,
    ...(evidence.length > 0 ? { evidence } : {}),
    ...(risks.length > 0 ? { risks } : {}),
    ...(gaps.length > 0 ? { gaps } : {}),
  };
}

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list
    .map((v) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : isRecord(v) ? JSON.stringify(v) : ''))
    .map(clean)
    .filter((s) => s !== '')
    .slice(0, MAX_ITEMS);
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '');
}

/** One line, redacted, capped: it is shown in the proof as it is. */
function clean(s: string): string {
  const one = redactSecrets(s).replace(/\s+/g, ' ').trim();
  return one.length > MAX_CHARS ? `${one.slice(0, MAX_CHARS - 1)}…` : one;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
