import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { failure, type ToolContext, type ToolOutcome } from './types.js';

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const MAX_MATCHES = 200;
const MAX_FILES = 20_000;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_LINE_CHARS = 300;

/**
 * Searches file contents with a JavaScript regular expression, in plain JS (no `rg` dependency).
 * Skips `.git`, `node_modules`, symbolic links (they could lead outside), binary and large files.
 */
export async function grepTool(args: { pattern: string; path?: string }, ctx: ToolContext): Promise<ToolOutcome> {
  let regex: RegExp;
  try {
    regex = new RegExp(args.pattern);
  } catch (error) {
    return failure(`grep: invalid regular expression ${JSON.stringify(args.pattern)}: ${(error as Error).message}`);
  }
  const target = await ctx.confinement.resolve(args.path ?? '.');
  if (!target.ok) return failure(`refused: ${target.reason}`);
  const root = ctx.confinement.root;
  const matches: string[] = [];
  let files = 0;
  let truncated = false;

  const searchFile = async (file: string): Promise<void> => {
    files += 1;
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return;
    }
    if (bytes.length > MAX_FILE_BYTES || bytes.includes(0)) return;
    const lines = bytes.toString('utf8').split('\n');
    const shown = path.relative(root, file) || path.basename(file);
    for (let i = 0; i < lines.length; i += 1) {
      if (!regex.test(lines[i]!)) continue;
      if (matches.length >= MAX_MATCHES) {
        truncated = true;
        return;
      }
      const line = lines[i]!.length > MAX_LINE_CHARS ? `${lines[i]!.slice(0, MAX_LINE_CHARS)}…` : lines[i]!;
      matches.push(`${shown}:${i + 1}: ${line}`);
    }
  };

  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (truncated || files >= MAX_FILES || ctx.signal.aborted) {
        truncated = true;
        return;
      }
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile()) {
        await searchFile(full);
      }
    }
  };

  let info;
  try {
    info = await stat(target.path);
  } catch {
    return failure(`${args.path ?? '.'} does not exist`);
  }
  if (info.isDirectory()) await walk(target.path);
  else await searchFile(target.path);

  if (matches.length === 0) return { output: `no matches for ${JSON.stringify(args.pattern)}`, isError: false };
  const note = truncated ? `\n[stopped after ${matches.length} matches; narrow the pattern or the path]` : '';
  return { output: matches.join('\n') + note, isError: false };
}
