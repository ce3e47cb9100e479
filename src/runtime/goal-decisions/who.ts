import { runGit } from '../git/index.js';

/**
 * Who is deciding, from the injected environment: `$USER` (or `$LOGNAME`), else git's `user.name`
 * in the repository, else `cli`. Recorded as given; it is an attribution, not an authentication.
 */
export async function decisionAuthor(env: Readonly<Record<string, string | undefined>>, repoRoot: string): Promise<string> {
  const fromEnv = (env.USER ?? env.LOGNAME ?? '').trim();
  if (fromEnv) return fromEnv;
  try {
    const r = await runGit({ cwd: repoRoot, env }, ['config', '--get', 'user.name']);
    const name = r.stdout.trim();
    if (r.exitCode === 0 && name) return name;
  } catch {
    // No git identity: fall through.
  }
  return 'cli';
}
