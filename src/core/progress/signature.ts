import { createHash } from 'node:crypto';

/**
 * "The same failure" across runs. A gate's output differs from run to run in ways that say nothing
 * about the failure: timings, timestamps, temp directories, worktree paths, process ids, hex ids,
 * line numbers that moved because the agent edited above them, the order parallel test files
 * finished in. `normalizeFailureOutput` removes those; `failureSignature` hashes what is left, so two
 * outputs get the same signature exactly when they report the same failing checks with the same
 * messages. Different assertions (different test names, expected/actual texts) keep different
 * signatures. The rules are listed, in order, in docs/no-progress.md.
 */
export interface SignatureOptions {
  /**
   * Absolute paths to replace with `<path>` (the worktree, the repository root, the home directory),
   * longest first. Temp directories and `.omk/worktrees/…` are recognised without being listed.
   */
  paths?: readonly string[];
  /**
   * The text is a tail cut at an arbitrary character, so its first line may be partial: drop it.
   * A leading `[… N characters cut …]` marker (what the controller's `clip` writes) is always
   * dropped together with the partial line after it. @default false
   */
  partialFirstLine?: boolean;
}

// eslint-disable-next-line no-control-regex -- escape sequences are exactly what this removes
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;
const CUT_MARKER = /^\[… \d+ characters cut …\]$/;

/** [pattern, replacement], applied to each line in this order. */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // ids and times first, before their digits are seen as numbers
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, '<time>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  // temp directories and omk's worktrees, up to the random segment
  [/(?:[A-Za-z]:)?[^\s'"`()[\]]*[\\/]\.omk[\\/]worktrees[\\/][^\s\\/'"`()]+[\\/][^\s\\/'"`():]+/g, '<worktree>'],
  [/(?:\/private)?\/var\/folders\/[^\s/]+\/[^\s/]+\/T\/[^\s/'"`():]+/g, '<tmp>'],
  [/(?:\/private)?\/tmp\/[^\s/'"`():]+/g, '<tmp>'],
  [/[A-Za-z]:\\[^\s'"`]*?\\Temp\\[^\s\\'"`():]+/gi, '<tmp>'],
  // hex ids: 0x…, and runs of 7+ hex digits mixing letters and digits (git shas, hashes, addresses)
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<hex>'],
  // durations (`1m30s`, `250ms`, `1.5 seconds`), then every other number (counts, line:column, ports, pids)
  [/\b(?:\d+(?:\.\d+)?(?:ms|h|m|s))+\b/g, '<dur>'],
  [/\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hours?)\b/g, '<dur>'],
  [/\d+(?:\.\d+)?/g, '<n>'],
  [/\s+/g, ' '],
];

/** The output's lines, normalised, in their original order, without empty lines. */
export function normalizeFailureOutput(text: string, options: SignatureOptions = {}): string[] {
  let lines = text.replace(ANSI, '').replace(/\r\n?/g, '\n').split('\n');
  const markerAt = lines.findIndex((l) => l.trim() !== '');
  if (markerAt >= 0 && CUT_MARKER.test(lines[markerAt]!.trim())) lines = lines.slice(markerAt + 2);
  else if (options.partialFirstLine) lines = lines.slice(1);
  const paths = [...(options.paths ?? [])].filter((p) => p.length > 1).sort((a, b) => b.length - a.length);
  const out: string[] = [];
  for (const raw of lines) {
    let line = raw;
    for (const p of paths) line = line.split(p).join('<path>');
    for (const [pattern, replacement] of RULES) line = line.replace(pattern, replacement);
    line = line.trim();
    if (line !== '') out.push(line);
  }
  return out;
}

/**
 * A short stable signature (16 hex digits of sha256) of a failure's output: the sorted set of its
 * normalised lines, so the order in which parallel checks reported does not matter.
 */
export function failureSignature(text: string, options: SignatureOptions = {}): string {
  const lines = [...new Set(normalizeFailureOutput(text, options))].sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}
