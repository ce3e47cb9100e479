import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where omk keeps things. Resolved once per command from injected cwd/env/home. */
export interface OmkPaths {
  /** `$XDG_CONFIG_HOME/omk` or `~/.config/omk`. */
  userConfigDir: string;
  userConfigFile: string;
  /** `$XDG_STATE_HOME/omk` or `~/.local/state/omk`. */
  stateDir: string;
  /** Chat sessions: `<stateDir>/sessions`. */
  sessionsDir: string;
  /** The git work tree containing cwd, if any. */
  repoRoot: string | undefined;
  /** `<repoRoot>/.omk`, if in a repository. */
  projectDir: string | undefined;
  projectConfigFile: string | undefined;
  dbFile: string | undefined;
  goalsDir: string | undefined;
}

export interface PathInputs {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** @default os.homedir() */
  home?: string;
}

export function resolvePaths({ cwd, env, home }: PathInputs): OmkPaths {
  const homeDir = home ?? env.HOME ?? homedir();
  const configBase = nonEmpty(env.XDG_CONFIG_HOME) ?? path.join(homeDir, '.config');
  const stateBase = nonEmpty(env.XDG_STATE_HOME) ?? path.join(homeDir, '.local', 'state');
  const userConfigDir = path.join(configBase, 'omk');
  const stateDir = path.join(stateBase, 'omk');
  const repoRoot = findRepoRoot(cwd);
  const projectDir = repoRoot === undefined ? undefined : path.join(repoRoot, '.omk');
  return {
    userConfigDir,
    userConfigFile: path.join(userConfigDir, 'config.toml'),
    stateDir,
    sessionsDir: path.join(stateDir, 'sessions'),
    repoRoot,
    projectDir,
    projectConfigFile: projectDir && path.join(projectDir, 'config.toml'),
    dbFile: projectDir && path.join(projectDir, 'omk.db'),
    goalsDir: projectDir && path.join(projectDir, 'goals'),
  };
}

/**
 * The nearest ancestor of `start` holding a `.git` entry (directory, or file for
 * worktrees and submodules). Walking up is much cheaper than spawning git at start-up.
 */
export function findRepoRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const marker = path.join(dir, '.git');
    if (existsSync(marker)) {
      const st = statSync(marker);
      if (st.isDirectory() || st.isFile()) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
