import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveContainment } from '../../../src/runtime/containment/plan.js';
import { probeBwrap } from '../../../src/runtime/containment/probe.js';
import { runOmk } from '../../helpers/cli.js';
import { commitFiles, goalDirEvents, useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

const bwrapWorks = (await probeBwrap(process.env)).available;

describe('containment: agents run with the filesystem read-only outside their worktree', () => {
  let repo: SampleRepo;
  let outside: string;
  beforeEach(() => {
    repo = sampleRepo();
    outside = path.join(mkdtempSync(path.join(tmpdir(), 'omk-outside-')), 'victim.txt');
    writeFileSync(outside, 'original\n');
    // A script the parser cannot see into: the policy allows it by a user rule, only containment stops it.
    commitFiles(repo, { 'math.js': FIXED_MATH, 'escape.cjs': `require('fs').writeFileSync(${JSON.stringify(outside)}, 'changed\\n'); require('fs').writeFileSync('inside.txt', 'ok\\n');\n` }, 'escape script');
  });
  afterEach(() => repo.cleanup());

  function configure(mode: string): void {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js', 'inside.txt'] }], {
      'part-a ': [{ run: { command: 'node escape.cjs' } }, { run: { command: 'node escape.cjs 2>/dev/null || echo > inside.txt' } }, { edit: { path: 'a.js', content: 'export const a = 1;\n' } }, { say: 'done' }],
    });
    const config = path.join(repo.root, '.omk', 'config.toml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}\n[containment]\nmode = "${mode}"\n\n[[approval.rules]]\ncommand = "node escape.cjs*"\naction = "allow"\n`);
  }

  it.skipIf(!bwrapWorks)('under bubblewrap the allowed escaping command fails and the file outside is unchanged; the worktree is still writable', async () => {
    configure('auto');
    const r = await runOmk(['goal', 'run', 'do the work', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as { goal_dir: string };
    expect(readFileSync(outside, 'utf8')).toBe('original\n');
    const events = goalDirEvents(out.goal_dir);
    expect(events.find((e) => e.type === 'goal.containment_chosen')?.payload).toMatchObject({ active: 'bwrap' });
    const approvals = events.filter((e) => e.type === 'approval.decided' && String(e.payload.summary).includes('escape.cjs'));
    expect(approvals.map((e) => e.payload.decision)).toContain('allow');
    const transcript = readFileSync(path.join(out.goal_dir, 'transcripts', 'part-a', '1.jsonl'), 'utf8');
    expect(transcript).toMatch(/EROFS|read-only file system/i);
    // Writes inside the worktree went through: the agent's edit and the shell's redirection are in the attempt's diff.
    const patch = readFileSync(path.join(out.goal_dir, 'artifacts', 'diffs', 'part-a-1.patch'), 'utf8');
    expect(patch).toContain('a.js');
    expect(patch).toContain('inside.txt');
  });

  it('with containment off the same command does change the file (the test above can fail), and the goal says policy only', async () => {
    configure('off');
    const r = await runOmk(['goal', 'run', 'do the work', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as { goal_dir: string };
    expect(readFileSync(outside, 'utf8')).toBe('changed\n');
    const chosen = goalDirEvents(out.goal_dir).find((e) => e.type === 'goal.containment_chosen')?.payload;
    expect(chosen).toMatchObject({ active: 'policy-only', mode: 'off' });
  });
});

describe('when bubblewrap cannot work', () => {
  const noBwrap = { PATH: mkdtempSync(path.join(tmpdir(), 'omk-nopath-')) };
  it('auto falls back to the policy alone and says why', async () => {
    const c = await resolveContainment({ mode: 'auto', writable: [], env: noBwrap, homeDir: '/nonexistent' });
    expect(c.active).toBe('policy-only');
    expect(c.detail).toMatch(/bwrap.*not installed.*policy alone/);
  });
  it('mode "bwrap" refuses to run unprotected, naming the fix', async () => {
    await expect(resolveContainment({ mode: 'bwrap', writable: [], env: noBwrap, homeDir: '/nonexistent' })).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringMatching(/\[containment\] mode = "bwrap"/) });
  });
});
