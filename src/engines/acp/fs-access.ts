import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RequestError } from '@agentclientprotocol/sdk';

/** JSON-RPC error codes for file access. */
export const FS_OUTSIDE_ROOT = -32602; // invalid params: the path is not ours to serve
export const FS_NOT_FOUND = -32002; // ACP "resource not found"
export const FS_DENIED = -32003; // omk: the approval policy refused the write

/**
 * Serves ACP `fs/read_text_file` and `fs/write_text_file` confined to one directory. A path must
 * resolve inside the root, both lexically (no `..` or absolute escape) and physically (no symlink on
 * the way that points outside). Refusals are JSON-RPC errors, which agents report as tool failures.
 */
export class ConfinedFs {
  private realRoot: Promise<string> | undefined;

  constructor(private readonly root: string) {}

  async read(requested: unknown, line?: unknown, limit?: unknown): Promise<{ content: string }> {
    const file = await this.resolve(requested);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw fsError(error, file);
    }
    if (typeof line !== 'number' && typeof limit !== 'number') return { content: text };
    const lines = text.split('\n');
    const start = typeof line === 'number' && line > 1 ? line - 1 : 0;
    const end = typeof limit === 'number' && limit >= 0 ? start + limit : lines.length;
    return { content: lines.slice(start, end).join('\n') };
  }

  async write(requested: unknown, content: unknown): Promise<null> {
    if (typeof content !== 'string') throw RequestError.invalidParams(undefined, 'content must be a string');
    const file = await this.resolve(requested);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      // Re-check after mkdir: a directory could have been swapped for a symlink meanwhile.
      await this.resolve(file);
      await writeFile(file, content, 'utf8');
    } catch (error) {
      if (error instanceof RequestError) throw error;
      throw fsError(error, file);
    }
    return null;
  }

  /** The absolute, symlink-checked path for `requested`, or a JSON-RPC error. */
  async resolve(requested: unknown): Promise<string> {
    if (typeof requested !== 'string' || requested === '' || requested.includes('\0')) {
      throw RequestError.invalidParams(undefined, 'path must be a non-empty string');
    }
    this.realRoot ??= realpath(this.root);
    const realRoot = await this.realRoot;
    const lexical = path.resolve(this.root, requested);
    if (!inside(path.resolve(this.root), lexical) && !inside(realRoot, lexical)) throw outside(requested);
    // Resolve the longest existing prefix physically; what does not exist yet cannot be a symlink.
    let existing = lexical;
    const rest: string[] = [];
    for (;;) {
      try {
        const real = await realpath(existing);
        const full = path.join(real, ...rest);
        if (!inside(realRoot, full)) throw outside(requested);
        return full;
      } catch (error) {
        if (error instanceof RequestError) throw error;
        const parent = path.dirname(existing);
        if (parent === existing) throw outside(requested);
        rest.unshift(path.basename(existing));
        existing = parent;
      }
    }
  }
}

function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function outside(requested: string): RequestError {
  return new RequestError(FS_OUTSIDE_ROOT, `path is outside the session directory: ${requested}`);
}

function fsError(error: unknown, file: string): RequestError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new RequestError(FS_NOT_FOUND, `file not found: ${file}`);
  return new RequestError(-32603, `${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`);
}
