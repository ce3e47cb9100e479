/**
 * The bubblewrap command line that runs an agent or a gate with the whole filesystem read-only except
 * the paths it may write: its worktree, the parts of the repository's git directory a commit on the
 * task branch needs, its own state directories, a private temporary directory. A command the approval
 * policy wrongly allowed still cannot change a file anywhere else.
 */
export interface ContainmentPlan {
  /** Absolute paths bound read-write; a path that does not exist is skipped (`--bind-try`). */
  writable: string[];
  /** Set as TMPDIR inside; must be one of `writable`. */
  tmpDir: string;
}

/** A launcher rewrite: the program and arguments to run instead. */
export type ProcessWrap = (command: string, args: readonly string[]) => { command: string; args: string[] };

export function bwrapArgs(plan: ContainmentPlan, command: string, args: readonly string[]): string[] {
  const binds = [...new Set(plan.writable)].flatMap((p) => ['--bind-try', p, p]);
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    ...binds,
    '--setenv', 'TMPDIR', plan.tmpDir,
    '--die-with-parent',
    '--',
    command,
    ...args,
  ];
}

export function bwrapWrap(bwrap: string, plan: ContainmentPlan): ProcessWrap {
  return (command, args) => ({ command: bwrap, args: bwrapArgs(plan, command, args) });
}
