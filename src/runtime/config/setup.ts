/**
 * `omk setup`: the directories and starter files omk needs. Never overwrites anything; running it
 * again reports everything as already there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { PROJECT_CONFIG_TEMPLATE, USER_CONFIG_TEMPLATE } from '../../core/config/templates.js';
import type { OmkPaths } from '../paths.js';
import { ensureOmkExcluded } from './git-exclude.js';

export type SetupStatus = 'created' | 'exists' | 'updated';

export interface SetupItem {
  what: 'user config dir' | 'user config' | 'state dir' | 'project dir' | 'project config' | 'git exclude';
  path: string;
  status: SetupStatus;
  /** For `git exclude`: the lines added. */
  added?: string[];
}

export interface SetupResult {
  items: SetupItem[];
  /** Undefined outside a git repository: the project part was skipped. */
  repoRoot: string | undefined;
}

export interface SetupInputs {
  paths: OmkPaths;
  env: Readonly<Record<string, string | undefined>>;
}

async function ensureDir(dir: string): Promise<SetupStatus> {
  // mkdir -p returns the first directory it created, or undefined when the whole path existed.
  return (await mkdir(dir, { recursive: true })) === undefined ? 'exists' : 'created';
}

async function ensureFile(file: string, content: string): Promise<SetupStatus> {
  try {
    await writeFile(file, content, { flag: 'wx' }); // wx: fail rather than overwrite
    return 'created';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw error;
  }
}

export async function runSetup({ paths, env }: SetupInputs): Promise<SetupResult> {
  const items: SetupItem[] = [];
  items.push({ what: 'user config dir', path: paths.userConfigDir, status: await ensureDir(paths.userConfigDir) });
  items.push({ what: 'user config', path: paths.userConfigFile, status: await ensureFile(paths.userConfigFile, USER_CONFIG_TEMPLATE) });
  items.push({ what: 'state dir', path: paths.stateDir, status: await ensureDir(paths.stateDir) });
  const { repoRoot, projectDir, projectConfigFile } = paths;
  if (repoRoot === undefined || projectDir === undefined || projectConfigFile === undefined) {
    return { items, repoRoot: undefined };
  }
  items.push({ what: 'project dir', path: projectDir, status: await ensureDir(projectDir) });
  items.push({ what: 'project config', path: projectConfigFile, status: await ensureFile(projectConfigFile, PROJECT_CONFIG_TEMPLATE) });
  const exclude = await ensureOmkExcluded(repoRoot, env);
  items.push({
    what: 'git exclude',
    path: exclude.file,
    status: exclude.added.length === 0 ? 'exists' : 'updated',
    added: exclude.added,
  });
  return { items, repoRoot };
}
