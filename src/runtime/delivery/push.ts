import { OmkError } from '../../core/errors.js';
import { withoutCredentials } from '../../core/delivery/remote-url.js';
import { short } from '../../core/proof/verdict.js';
import { assertBranchName, assertRefArgument, hookArgs, isAncestor, isGitError, resolveCommit, runGit } from '../git/index.js';
import type { GitContext } from '../git/index.js';
import { pushAuth, scrub } from './push-auth.js';

export interface PushBranchOptions {
  /** The repository (or any of its worktrees) and the caller's env. */
  git: GitContext;
  /** A configured remote name (`origin`) or a URL / path. */
  remote: string;
  /** The branch to create or advance on the remote, e.g. `omk/g1/integration`. */
  branch: string;
  /** The commit to push (a sha or any ref naming one). */
  sha: string;
  /** Sent as an HTTP header for https remotes only (see pushAuth); never for ssh or file remotes. */
  token?: string;
  /** Run the repository's pre-push hook. @default false */
  runHooks?: boolean;
}

export type PushOutcome = 'created' | 'fast_forward' | 'up_to_date';

export interface PushResult {
  remote: string;
  /** The remote's URL without credentials. */
  url: string;
  branch: string;
  sha: string;
  /** Where the remote branch was before, or null when it did not exist. */
  previousSha: string | null;
  outcome: PushOutcome;
  /** The `git push` argv, or null when nothing needed pushing. Never carries a credential. */
  argv: string[] | null;
}

/**
 * The `git push` argv for one commit to one branch: `git push <remote> <sha>:refs/heads/<branch>`,
 * never forced (no `--force`, no `--force-with-lease`, no `+` refspec), hooks off unless asked, no
 * tags, no submodules. A plain push is itself safe: git rejects a non-fast-forward.
 */
export function buildPushArgs(options: { remote: string; sha: string; branch: string; runHooks?: boolean }): string[] {
  return [
    ...hookArgs(options.runHooks ?? false),
    '-c',
    'push.gpgSign=false',
    'push',
    '--porcelain',
    '--no-follow-tags',
    '--no-recurse-submodules',
    '--',
    options.remote,
    `${options.sha}:refs/heads/${options.branch}`,
  ];
}

/**
 * Pushes `sha` to `refs/heads/<branch>` on `remote`. Creates the branch, advances it when its
 * current tip is an ancestor of `sha`, and does nothing when it is already there. A remote branch
 * that is not an ancestor (someone else pushed, or history was rewritten) is refused with a
 * `failed` error and left exactly as it is: omk never force-pushes.
 */
export async function pushBranch(options: PushBranchOptions): Promise<PushResult> {
  const { remote, branch } = options;
  assertRefArgument(remote);
  await assertBranchName(options.git, branch);
  const sha = await resolveCommit(options.git, options.sha);
  const rawUrl = await remoteUrl(options.git, remote);
  const url = withoutCredentials(rawUrl);
  const auth = pushAuth(rawUrl, options.token, options.git.env);
  const ctx: GitContext = { ...options.git, env: auth.env };
  const git = (args: string[], okCodes?: number[]) =>
    guard(auth.secrets, () => runGit(ctx, args, { extraEnv: auth.extraEnv, ...(okCodes ? { okCodes } : {}) }));

  const listed = await git(['ls-remote', '--refs', '--', remote, `refs/heads/${branch}`]);
  const previousSha = parseLsRemote(listed.stdout, `refs/heads/${branch}`);
  const base = { remote, url, branch, sha, previousSha };
  if (previousSha === sha) return { ...base, outcome: 'up_to_date', argv: null };

  if (previousSha !== null) {
    const present = await runGit(ctx, ['cat-file', '-e', `${previousSha}^{commit}`], { okCodes: [0, 1, 128] });
    if (present.exitCode !== 0) {
      // Objects only: no FETCH_HEAD, and an empty refmap so no remote-tracking ref moves either.
      await git(['fetch', '--no-tags', '--no-write-fetch-head', '--refmap=', '--', remote, `refs/heads/${branch}`]);
    }
    if (!(await isAncestor(ctx, previousSha, sha))) throw diverged(base, previousSha);
  }

  const argv = buildPushArgs({ remote, sha, branch, runHooks: options.runHooks ?? false });
  const pushed = await git(argv, [0, 1]);
  if (pushed.exitCode !== 0) {
    const said = scrub(`${pushed.stdout}\n${pushed.stderr}`, auth.secrets);
    // Someone pushed between ls-remote and push: git refused the non-fast-forward, as it should.
    if (/\[rejected\]|non-fast-forward|fetch first|\(stale info\)/.test(said)) throw diverged(base, null);
    throw new OmkError('failed', `git push ${remote} ${short(sha)}:refs/heads/${branch} failed: ${lastLine(said)}`, {
      hint: `run \`git push ${remote} ${sha}:refs/heads/${branch}\` by hand in ${ctx.cwd} to see git's full output`,
    });
  }
  return { ...base, outcome: previousSha === null ? 'created' : 'fast_forward', argv: ['git', ...argv] };
}

/** The URL a remote name stands for (`git remote get-url`), or `remote` itself when it is a URL or path. */
export async function remoteUrl(ctx: GitContext, remote: string): Promise<string> {
  assertRefArgument(remote);
  const result = await runGit(ctx, ['remote', 'get-url', '--', remote], { okCodes: [0, 2] });
  return result.exitCode === 0 ? result.stdout.trim() : remote;
}

/** The sha `ls-remote` lists for exactly `ref`, or null. */
export function parseLsRemote(stdout: string, ref: string): string | null {
  for (const line of stdout.split('\n')) {
    const [sha, name] = line.split('\t');
    if (name?.trim() === ref && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
  }
  return null;
}

function diverged(p: { remote: string; url: string; branch: string; sha: string }, remoteSha: string | null): OmkError {
  const at = remoteSha === null ? 'has moved to a commit' : `is at ${short(remoteSha)}, a commit`;
  return new OmkError(
    'failed',
    `refusing to push ${p.branch} to ${p.remote} (${p.url}): the remote branch ${at} that is not in the history of ` +
      `${short(p.sha)}; omk never force-pushes, so the remote branch was left unchanged`,
    {
      hint:
        `inspect it with \`git fetch ${p.remote} ${p.branch}\` and \`git log ${short(p.sha)}..FETCH_HEAD\`; then merge that work ` +
        'into the integration branch, or delete or rename the remote branch yourself, and deliver again',
    },
  );
}

/** Runs a git call whose errors must not carry the token: GitError messages are scrubbed. */
async function guard<T>(secrets: readonly string[], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (secrets.length > 0 && isGitError(error)) {
      throw new OmkError(error.code, scrub(error.message, secrets), { hint: error.hint, retryable: error.retryable });
    }
    throw error;
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('To '));
  const telling = lines.filter((l) => /^(fatal|error|!|remote:)/.test(l));
  return telling.at(-1) ?? lines.at(-1) ?? 'no output';
}
