import { realpath } from 'node:fs/promises';
import path from 'node:path';

export type Confined = { ok: true; path: string; relative: string } | { ok: false; reason: string };

/**
 * Keeps tool paths inside the session directory. A path must resolve inside the root both
 * lexically (no `..` or absolute escape) and physically (no symlink on the way that points out);
 * the part that does not exist yet cannot be a symlink, so it is checked lexically.
 */
export class Confinement {
  private realRoot: Promise<string> | undefined;

  constructor(readonly root: string) {}

  /** The lexical absolute path, for approval requests and display (no disk access). */
  lexical(requested: string): string {
    return path.resolve(this.root, requested);
  }

  async resolve(requested: unknown): Promise<Confined> {
    if (typeof requested !== 'string' || requested === '') return { ok: false, reason: 'path must be a non-empty string' };
    if (requested.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
    this.realRoot ??= realpath(this.root).catch(() => path.resolve(this.root));
    const realRoot = await this.realRoot;
    const lexical = this.lexical(requested);
    if (!inside(path.resolve(this.root), lexical) && !inside(realRoot, lexical)) {
      return { ok: false, reason: `${requested} is outside the project directory ${this.root}; only paths inside it are allowed` };
    }
    let existing = lexical;
    const rest: string[] = [];
    for (;;) {
      let real: string | undefined;
      try {
        real = await realpath(existing);
      } catch {
        real = undefined;
      }
      if (real !== undefined) {
        const full = path.join(real, ...rest);
        if (!inside(realRoot, full)) {
          return { ok: false, reason: `${requested} goes through a symbolic link that points outside the project directory (to ${real})` };
        }
        return { ok: true, path: full, relative: path.relative(realRoot, full) || '.' };
      }
      const parent = path.dirname(existing);
      if (parent === existing) return { ok: false, reason: `${requested} is outside the project directory` };
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

export function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}
