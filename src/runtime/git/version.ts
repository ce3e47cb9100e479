import { gitLine } from './run-git.js';
import type { GitContext } from './run-git.js';

export interface GitVersion {
  major: number;
  minor: number;
  patch: number;
  /** As git printed it, e.g. `git version 2.39.5`. */
  text: string;
}

// Keyed by PATH: a different PATH may find a different git.
const cache = new Map<string, Promise<GitVersion>>();

/** The version of the git on `ctx.env.PATH`, asked once per PATH per process. */
export function gitVersion(ctx: GitContext): Promise<GitVersion> {
  const key = ctx.env.PATH ?? '';
  let found = cache.get(key);
  if (found === undefined) {
    found = gitLine(ctx, ['version']).then(parseGitVersion);
    // A failure (git missing) is not cached: the next call asks again.
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

/** Parses `git version 2.39.5` (also `2.39.5.windows.1`, `2.40.0-rc1`). Unknown text reads as 0.0.0. */
export function parseGitVersion(text: string): GitVersion {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return {
    major: Number(m?.[1] ?? 0),
    minor: Number(m?.[2] ?? 0),
    patch: Number(m?.[3] ?? 0),
    text: text.trim(),
  };
}

/** True when `version` is at least `major.minor`. */
export function versionAtLeast(version: GitVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}
