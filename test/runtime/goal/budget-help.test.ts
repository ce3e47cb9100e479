import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../../helpers/cli.js';
import { sampleRepo, type SampleRepo } from './sample-repo.js';

describe('per-task budget flags on the command line', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(() => repo.cleanup());
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: repo.env });

  it('goal run offers per-task limits in --help, and budget-add can raise them', async () => {
    const run = await omk('goal', 'run', '--help');
    expect(run.stdout).toContain('--budget-task-tokens <n>');
    expect(run.stdout).toContain('--budget-task-usd <x>');
    const add = await omk('goal', 'budget-add', '--help');
    expect(add.stdout).toContain('--task-tokens <n>');
    expect(add.stdout).toContain('--task-usd <x>');
  });

  it('a bad per-task amount is a usage error naming the flag, before anything is written', async () => {
    const bad = await omk('goal', 'run', 'fix the failing test', '--budget-task-tokens', 'lots');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--budget-task-tokens: expected a positive whole number of tokens like 200000, 500k or 2M, got "lots"');
    expect((await omk('goal', 'list', '--json')).stderr).toContain('no goals');
  });
});
