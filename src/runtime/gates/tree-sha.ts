import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allowlistEnv, runProcess } from '../process/index.js';

export type TreeShaResult = { ok: true; treeSha: string } | { ok: false; message: string };

/**
 * The git tree of the working tree as it is now: tracked changes, and untracked files that are not
 * ignored, without touching the repository's real index (a temporary `GIT_INDEX_FILE` seeded from
 * HEAD). `.omk/` is left out, so gate artifacts written there never change the tree they judge.
 *
 * A stand-in until the git layer (src/runtime/git) offers the same; never throws.
 */
export async function workingTreeSha(
  repoRoot: string,
  env: Readonly<Record<string, string | undefined>>,
  signal?: AbortSignal,
): Promise<TreeShaResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'omk-index-'));
  const gitEnv = allowlistEnv(env, ['GIT_CONFIG_NOSYSTEM'], { GIT_INDEX_FILE: path.join(dir, 'index'), GIT_OPTIONAL_LOCKS: '0' });
  const git = (args: string[]) =>
    runProcess({ command: 'git', args, cwd: repoRoot, env: gitEnv, timeoutMs: 120_000, ...(signal ? { signal } : {}) });
  try {
    // Seed from HEAD so `add` only hashes what changed (an unborn HEAD just starts empty).
    const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{tree}']);
    if (head.exitCode === 0) {
      const seeded = await git(['read-tree', 'HEAD']);
      if (seeded.exitCode !== 0) return failure('git read-tree HEAD', seeded);
    }
    const added = await git(['add', '--all', '--', '.', ':(exclude).omk']);
    if (added.exitCode !== 0) return failure('git add --all', added);
    const tree = await git(['write-tree']);
    if (tree.exitCode !== 0) return failure('git write-tree', tree);
    return { ok: true, treeSha: tree.stdout.trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function failure(what: string, result: { stderr: string; spawnError?: { message: string }; exitCode: number | null }): TreeShaResult {
  const detail = result.spawnError?.message ?? (result.stderr.trim() || `exit ${result.exitCode}`);
  return { ok: false, message: `${what} failed: ${detail}` };
}
