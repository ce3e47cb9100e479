import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../../helpers/cli.js';
import { commitFiles, useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

const PASSWORD = 'correct-horse-battery-staple-42';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe('values of local files copied into worktrees (.omk/worktree-include) are secrets', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH, '.gitignore': '.env\n' }, 'add() works; .env is local');
    writeFileSync(path.join(repo.root, '.env'), `# local settings\nDB_HOST=localhost\nDB_PASSWORD="${PASSWORD}"\n`);
  });
  afterEach(() => repo.cleanup());

  it('an agent that writes one into the code: the security review fails, and the value is nowhere in the goal directory', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], {
      'part-a ': [{ edit: { path: 'a.js', content: `export const db = { host: 'localhost', pass: '${PASSWORD}' };\n` } }, { say: `Connected with ${PASSWORD}.` }],
    });
    writeFileSync(path.join(repo.root, '.omk', 'worktree-include'), '.env\n');
    const r = await runOmk(['goal', 'run', 'do the work', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as { status: string; goal_dir: string; known_gaps: string[] };
    expect(out.status).toBe('not_ready');
    expect(out.known_gaps.join('\n')).toMatch(/security/);
    const review = readFileSync(filesUnder(path.join(out.goal_dir, 'artifacts', 'reviews'))[0]!, 'utf8');
    expect(review).toContain('known_secret');
    const leaks = filesUnder(out.goal_dir).filter((f) => readFileSync(f, 'utf8').includes(PASSWORD));
    expect(leaks).toEqual([]);
    // The transcript still shows the agent wrote a.js, with the value removed.
    const transcript = readFileSync(path.join(out.goal_dir, 'transcripts', 'part-a', '1.jsonl'), 'utf8');
    expect(transcript).toContain('[REDACTED]');
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
