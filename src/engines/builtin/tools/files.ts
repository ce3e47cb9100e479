import type { Stats } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../../../core/errors.js';
import { capText, failure, type ToolContext, type ToolOutcome } from './types.js';

const DEFAULT_READ_LINES = 2000;
const MAX_READ_BYTES = 10 * 1024 * 1024;
const MAX_DIR_ENTRIES = 1000;

export async function readFileTool(args: { path: string; offset?: number; limit?: number }, ctx: ToolContext): Promise<ToolOutcome> {
  const target = await ctx.confinement.resolve(args.path);
  if (!target.ok) return failure(`refused: ${target.reason}`);
  const info = await statOrError(target.path, args.path);
  if (typeof info === 'string') return failure(info);
  if (info.isDirectory()) return failure(`${args.path} is a directory; use list_dir`);
  if (info.size > MAX_READ_BYTES) return failure(`${args.path} is ${info.size} bytes, too large to read (limit ${MAX_READ_BYTES})`);
  const bytes = await readFile(target.path);
  if (bytes.includes(0)) return failure(`${args.path} is a binary file (${bytes.length} bytes)`);
  const lines = bytes.toString('utf8').split('\n');
  const first = Math.max(1, Math.floor(args.offset ?? 1));
  const limit = Math.max(1, Math.floor(args.limit ?? DEFAULT_READ_LINES));
  const shown = lines.slice(first - 1, first - 1 + limit);
  let output = shown.join('\n');
  const last = first - 1 + shown.length;
  if (first > 1 || last < lines.length) {
    output += `\n[lines ${first}-${last} of ${lines.length}${last < lines.length ? `; pass offset ${last + 1} to read on` : ''}]`;
  }
  return { output: capText(output), isError: false };
}

export async function writeFileTool(args: { path: string; content: string }, ctx: ToolContext): Promise<ToolOutcome> {
  const target = await ctx.confinement.resolve(args.path);
  if (!target.ok) return failure(`refused: ${target.reason}`);
  let oldText: string | undefined;
  try {
    oldText = await readFile(target.path, 'utf8');
  } catch {
    oldText = undefined;
  }
  try {
    await mkdir(path.dirname(target.path), { recursive: true });
    // Re-check after mkdir: a directory on the way could have been swapped for a symlink meanwhile.
    const again = await ctx.confinement.resolve(args.path);
    if (!again.ok) return failure(`refused: ${again.reason}`);
    await writeFile(again.path, args.content, 'utf8');
  } catch (error) {
    return failure(`could not write ${args.path}: ${describeError(error)}`);
  }
  const verb = oldText === undefined ? 'created' : 'overwrote';
  return {
    output: `${verb} ${target.relative} (${Buffer.byteLength(args.content)} bytes)`,
    isError: false,
    diffs: [{ path: target.path, ...(oldText === undefined ? {} : { oldText }), newText: args.content }],
  };
}

export async function editFileTool(args: { path: string; old: string; new: string }, ctx: ToolContext): Promise<ToolOutcome> {
  if (args.old === '') return failure('`old` is empty; give the exact text to replace (use write_file to create a file)');
  const target = await ctx.confinement.resolve(args.path);
  if (!target.ok) return failure(`refused: ${target.reason}`);
  let text: string;
  try {
    text = await readFile(target.path, 'utf8');
  } catch (error) {
    return failure(notFoundOr(error, args.path));
  }
  const first = text.indexOf(args.old);
  if (first < 0) {
    return failure(
      `edit_file: \`old\` was not found in ${args.path}. It must match the file exactly, whitespace and indentation included; read the file again and copy the text.`,
    );
  }
  const matches = countOccurrences(text, args.old);
  if (matches > 1) {
    return failure(
      `edit_file: \`old\` occurs ${matches} times in ${args.path}; nothing was changed. Add surrounding lines to \`old\` so that it matches exactly once.`,
    );
  }
  // Slices, not String.replace: `$&` and friends in `new` must stay literal.
  const updated = text.slice(0, first) + args.new + text.slice(first + args.old.length);
  try {
    await writeFile(target.path, updated, 'utf8');
  } catch (error) {
    return failure(`could not write ${args.path}: ${describeError(error)}`);
  }
  return { output: `edited ${target.relative}`, isError: false, diffs: [{ path: target.path, oldText: text, newText: updated }] };
}

export async function listDirTool(args: { path: string }, ctx: ToolContext): Promise<ToolOutcome> {
  const target = await ctx.confinement.resolve(args.path);
  if (!target.ok) return failure(`refused: ${target.reason}`);
  let entries;
  try {
    entries = await readdir(target.path, { withFileTypes: true });
  } catch (error) {
    return failure(notFoundOr(error, args.path));
  }
  const names = entries
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.isSymbolicLink() ? `${e.name}@` : e.name))
    .sort((a, b) => a.localeCompare(b));
  const shown = names.slice(0, MAX_DIR_ENTRIES);
  const more = names.length - shown.length;
  const output = shown.length === 0 ? '(empty directory)' : shown.join('\n') + (more > 0 ? `\n[… ${more} more entries]` : '');
  return { output, isError: false };
}

export function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

async function statOrError(file: string, shown: string): Promise<Stats | string> {
  try {
    return await stat(file);
  } catch (error) {
    return notFoundOr(error, shown);
  }
}

function notFoundOr(error: unknown, shown: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `${shown} does not exist`;
  if (code === 'ENOTDIR') return `${shown}: a part of the path is not a directory`;
  if (code === 'EISDIR') return `${shown} is a directory`;
  return `${shown}: ${describeError(error)}`;
}
