import type { ApprovalRequest } from './types.js';

/**
 * Agents describe tool calls loosely: ACP's `locations` may be missing while `rawInput.path` is set,
 * codex sends `command: ["/bin/bash", "-lc", "…"]`. This reads the well-known keys so the decision
 * sees every path and the command, whatever the adapter managed to fill in. More paths only make
 * the decision stricter.
 */
const PATH_KEYS = ['path', 'file_path', 'filePath', 'file', 'filename', 'abs_path', 'absolute_path', 'target', 'source', 'destination', 'dest', 'old_path', 'new_path', 'from', 'to', 'notebook_path', 'directory', 'dir'];
const PATH_LIST_KEYS = ['paths', 'files', 'file_paths'];
const COMMAND_KEYS = ['command', 'cmd', 'script'];
const CWD_KEYS = ['cwd', 'workdir', 'working_directory', 'workDir'];

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Quotes an argv for the shell parser; safe words stay bare so patterns read naturally. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function commandOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return quoteArgv(value);
  return undefined;
}

export interface NormalizedRequest extends ApprovalRequest {
  /** Commands found in the request and its raw input; checked together as one script. */
  commands: string[];
}

export function normalizeRequest(request: ApprovalRequest): NormalizedRequest {
  const raw = asRecord(request.raw);
  const paths = [...request.paths];
  const commands: string[] = [];
  if (request.command !== undefined && request.command.trim() !== '') commands.push(request.command);
  let cwd = request.cwd;
  if (raw) {
    for (const key of PATH_KEYS) {
      const v = raw[key];
      if (typeof v === 'string' && v !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v.replace(/^file:/, ''))) paths.push(v);
    }
    for (const key of PATH_LIST_KEYS) {
      const v = raw[key];
      if (Array.isArray(v)) for (const p of v) if (typeof p === 'string' && p !== '') paths.push(p);
    }
    if (request.kind === 'execute') {
      for (const key of COMMAND_KEYS) {
        const c = commandOf(raw[key]);
        if (c !== undefined && c.trim() !== '' && !commands.includes(c)) commands.push(c);
      }
    }
    for (const key of CWD_KEYS) {
      const v = raw[key];
      if (cwd === undefined && typeof v === 'string' && v !== '') cwd = v;
    }
  }
  const out: NormalizedRequest = { ...request, paths: [...new Set(paths)], commands };
  if (cwd !== undefined) out.cwd = cwd;
  return out;
}
