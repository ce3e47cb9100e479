/**
 * Agents propose follow-up tasks by writing, anywhere in their final message, the marker followed by a
 * JSON object (or an array of objects). Extraction is robust to prose, code fences, nested braces inside
 * strings, several markers and garbage: each marker yields its proposals or a reason it yielded none.
 */
export const PROPOSAL_MARKER = 'OMK_TASK_PROPOSAL:';
/** @default 10 */
export const MAX_PROPOSALS_PER_MESSAGE = 10;
/** @default 65536 */
export const MAX_PROPOSAL_JSON_LENGTH = 65_536;

export interface ExtractedProposal {
  /** Offset of the marker in the message. */
  offset: number;
  value: Record<string, unknown>;
}

export interface MalformedProposal {
  offset: number;
  reason: string;
}

export interface Extraction {
  proposals: ExtractedProposal[];
  malformed: MalformedProposal[];
}

export interface ExtractOptions {
  /** @default MAX_PROPOSALS_PER_MESSAGE */
  maxProposals?: number;
  /** @default MAX_PROPOSAL_JSON_LENGTH */
  maxJsonLength?: number;
}

export function extractProposals(text: string, options: ExtractOptions = {}): Extraction {
  const maxProposals = options.maxProposals ?? MAX_PROPOSALS_PER_MESSAGE;
  const maxLength = options.maxJsonLength ?? MAX_PROPOSAL_JSON_LENGTH;
  const out: Extraction = { proposals: [], malformed: [] };
  let consumedTo = 0;
  for (let at = text.indexOf(PROPOSAL_MARKER); at >= 0; at = text.indexOf(PROPOSAL_MARKER, at + 1)) {
    if (at < consumedTo) continue; // the marker sits inside JSON already extracted
    const fail = (reason: string) => out.malformed.push({ offset: at, reason });
    const nextMarker = text.indexOf(PROPOSAL_MARKER, at + PROPOSAL_MARKER.length);
    const regionEnd = nextMarker < 0 ? text.length : nextMarker;
    const start = jsonStart(text, at + PROPOSAL_MARKER.length, regionEnd);
    if (start === undefined) {
      fail('no JSON object after the marker');
      continue;
    }
    const scan = scanBalanced(text, start, maxLength);
    if (typeof scan === 'string') {
      fail(scan);
      continue;
    }
    consumedTo = scan;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(start, scan));
    } catch (err) {
      fail(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    if (items.length === 0) fail('an empty array');
    for (const item of items) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        fail('expected a JSON object');
      } else if (out.proposals.length >= maxProposals) {
        fail(`more than ${maxProposals} proposals in one message`);
      } else {
        out.proposals.push({ offset: at, value: item as Record<string, unknown> });
      }
    }
  }
  return out;
}

/**
 * Where the JSON starts: right after the marker (past spaces and an optional ``` or ```json fence) when
 * it begins with `{` or `[`; otherwise the first `{` before the next marker.
 */
function jsonStart(text: string, from: number, end: number): number | undefined {
  let i = from;
  while (i < end && /\s/.test(text[i]!)) i += 1;
  if (text.startsWith('```', i)) {
    i += 3;
    while (i < end && /[A-Za-z]/.test(text[i]!)) i += 1;
    while (i < end && /\s/.test(text[i]!)) i += 1;
  }
  if (i < end && (text[i] === '{' || text[i] === '[')) return i;
  const brace = text.indexOf('{', from);
  return brace >= 0 && brace < end ? brace : undefined;
}

/** The index just past the value that opens at `start`, or why it does not close. String-escape aware. */
function scanBalanced(text: string, start: number, maxLength: number): number | string {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    if (i - start >= maxLength) return `JSON longer than ${maxLength} characters`;
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return `mismatched "${ch}"`;
      if (stack.length === 0) return i + 1;
    }
  }
  return 'the JSON never closes';
}
