import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { registerSecretValues } from '../../core/redact.js';
import { INCLUDE_FILE, isIncluded, mayIncludeUnder, parseInclude } from '../../core/worktree/include.js';
import { secretValuesFromEnvText } from '../../core/worktree/secret-values.js';

/** Files larger than this are not read for values (local config files are small). */
const MAX_FILE_BYTES = 256 * 1024;
/** Directories never walked: they hold no local config worth copying and can be huge. */
const SKIPPED_DIRS = new Set(['.git', '.omk', 'node_modules']);

/**
 * Registers, for redaction in this process, the values of the main checkout's files that
 * `.omk/worktree-include` copies into worktrees: transcripts, diffs, events and proofs then never show
 * them, and the review's secret scan fails a change that adds one. Returns how many values were found.
 * Best effort: an unreadable file is skipped (the bootstrap reports copy problems itself).
 */
export async function registerIncludedSecrets(repoRoot: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path.join(repoRoot, INCLUDE_FILE), 'utf8');
  } catch {
    return 0;
  }
  const { patterns } = parseInclude(text);
  if (patterns.length === 0) return 0;
  const values: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(repoRoot, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && depth < 6 && mayIncludeUnder(patterns, child)) await walk(child, depth + 1);
        continue;
      }
      if (!e.isFile() || !isIncluded(patterns, child, false)) continue;
      const file = path.join(repoRoot, child);
      try {
        if ((await stat(file)).size > MAX_FILE_BYTES) continue;
        values.push(...secretValuesFromEnvText(await readFile(file, 'utf8')));
      } catch {
        // skipped
      }
    }
  };
  await walk('', 0);
  registerSecretValues(values);
  return values.length;
}
