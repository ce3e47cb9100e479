import { failureSignature, normalizeFailureOutput } from '../../core/progress/signature.js';

/**
 * A failing gate's signature for the diagnosis: `failureSignature` (src/core/progress/) over the run's
 * output, after the checkout the gate ran in — the main checkout for baseline runs, a task's or the
 * integration's worktree otherwise — is written `<checkout>`, so the same failure on the base commit
 * and in a task's worktree gets the same signature.
 */
export interface GateFailureSignature {
  /** `<gate>#<16 hex>`; equal signatures mean the same failure. */
  signature: string;
  /** One line for people: how it ended and the first line that says what failed. */
  excerpt: string;
}

const FAILURE_LINE = /\b(fail(ed|ure|ing)?|error|assert(ion)?|expected|actual|not ok|panic(ked)?|exception|traceback|cannot)\b|✖|✗/i;
const WORKTREE = /(?:[A-Za-z]:)?[^\s'"`()[\]]*[\\/]\.omk[\\/]worktrees[\\/][^\s\\/'"`()]+[\\/][^\s\\/'"`():]+/g;

export interface SignatureFacts {
  exitCode: number | null;
  timedOut: boolean;
  infraError: string | null;
}

/** @param checkouts Absolute paths of the checkouts gates ran in (repository root, task worktrees). */
export function gateFailureSignature(gate: string, facts: SignatureFacts, output: string, checkouts: readonly string[] = []): GateFailureSignature {
  let text = output.replace(WORKTREE, '<checkout>');
  for (const c of [...checkouts].filter((p) => p.length > 1).sort((a, b) => b.length - a.length)) text = text.split(c).join('<checkout>');
  const how = facts.infraError !== null ? 'infra error' : facts.timedOut ? 'timed out' : `exit ${facts.exitCode ?? 'none'}`;
  const lines = normalizeFailureOutput(text);
  const first = lines.find((l) => FAILURE_LINE.test(l)) ?? lines.at(-1) ?? '';
  const excerpt = first ? `${how}: ${first.length > 160 ? `${first.slice(0, 157)}...` : first}` : how;
  return { signature: `${gate}#${failureSignature(`${how}\n${text}`)}`, excerpt };
}
