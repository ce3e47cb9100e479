import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../helpers/cli.js';

// `[goal]`: no-progress thresholds and gate-run reuse (docs/config.md, docs/no-progress.md, docs/gates.md).
let dir: string;
let repo: string;
let userFile: string;
let projectFile: string;
let env: Record<string, string | undefined>;

const omk = (...argv: string[]) => runOmk(argv, { cwd: repo, env });

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omk-cli-config-goal-'));
  const configHome = path.join(dir, 'xdg-config');
  env = { HOME: path.join(dir, 'home'), XDG_CONFIG_HOME: configHome, PATH: process.env.PATH };
  repo = path.join(dir, 'repo');
  execFileSync('git', ['init', '-q', repo], { env });
  userFile = path.join(configHome, 'omk', 'config.toml');
  projectFile = path.join(repo, '.omk', 'config.toml');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('[goal] config', () => {
  it('config show lists every threshold and the reuse switch with its source', async () => {
    await write(userFile, '[goal.no_progress]\nempty_diffs = 4\n');
    await write(projectFile, '[goal]\nreuse_gate_runs = false\n');
    env.OMK_GOAL__NO_PROGRESS__OSCILLATIONS = '2';
    const { status, stdout } = await omk('config', 'show', 'goal');
    expect(status).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `goal.reuse_gate_runs = false  # project ${projectFile}`,
      'goal.no_progress.repeated_failure = 3  # default',
      `goal.no_progress.empty_diffs = 4  # user ${userFile}`,
      'goal.no_progress.oscillations = 2  # env OMK_GOAL__NO_PROGRESS__OSCILLATIONS',
      'goal.no_progress.no_improvement_window = 4  # default',
    ]);
  });

  it('a non-positive or fractional threshold fails validation, naming the file and the key', async () => {
    await write(projectFile, '[goal.no_progress]\nempty_diffs = 0\nrepeated_failure = 2.5\nno_improvement_window = 1\n');
    const { status, stdout } = await omk('config', 'validate');
    expect(status).toBe(2);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `${projectFile}: goal.no_progress.empty_diffs: expected an integer from 1 to 100, found 0`,
      `${projectFile}: goal.no_progress.repeated_failure: expected an integer from 2 to 100, found 2.5`,
      `${projectFile}: goal.no_progress.no_improvement_window: expected an integer from 2 to 100, found 1`,
    ]);
  });

  it('an unknown key under [goal] and a wrong type are named too', async () => {
    await write(userFile, '[goal]\nreuse_gate_runs = "no"\n\n[goal.no_progress]\nsame_failure = 3\n');
    const json = JSON.parse((await omk('config', 'validate', '--json')).stdout) as { ok: boolean; problems: Array<{ file: string; key: string; expected: string }> };
    expect(json.ok).toBe(false);
    expect(json.problems).toEqual([
      expect.objectContaining({ file: userFile, key: 'goal.reuse_gate_runs', expected: 'true or false' }),
      expect.objectContaining({ file: userFile, key: 'goal.no_progress.same_failure', expected: 'one of the keys repeated_failure, empty_diffs, oscillations, no_improvement_window' }),
    ]);
  });

  it('config set writes a threshold and refuses an invalid one', async () => {
    expect((await omk('config', 'set', 'goal.no_progress.repeated_failure', '5', '--project')).status).toBe(0);
    expect((await omk('config', 'show', 'goal.no_progress.repeated_failure')).stdout).toBe(`goal.no_progress.repeated_failure = 5  # project ${projectFile}\n`);
    const bad = await omk('config', 'set', 'goal.no_progress.oscillations', '-1', '--project');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('goal.no_progress.oscillations: expected an integer from 1 to 100, found -1');
  });
});
