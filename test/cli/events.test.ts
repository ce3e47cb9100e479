import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { openIn, seedGoal, tempRepo, type TempRepo } from '../runtime/store/helpers.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function omk(...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const status = await runCli(argv, '0.0.0-test', { cwd: repo.dir, env: { HOME: repo.dir, PATH: process.env.PATH }, stdout, stderr });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

async function gitRepoWithGoals(): Promise<string> {
  repo = tempRepo();
  execFileSync('git', ['init', '-q', repo.dir]);
  const store = await openIn(repo);
  await seedGoal(store, '20250301-aaaa', 1);
  await seedGoal(store, '20250301-bbbb', 4);
  const file = store.eventsFile('20250301-bbbb');
  await store.close();
  return file;
}

describe('omk events verify', () => {
  it('says OK with the count and head hash, and exits 0', async () => {
    await gitRepoWithGoals();
    const { status, stdout } = await omk('events', 'verify', 'latest');
    expect(status).toBe(0);
    expect(stdout).toMatch(/OK {2}goal 20250301-bbbb: 5 events, chain intact/);
    expect(stdout).toMatch(/head [0-9a-f]{64}/);
  });

  it('prints the documented JSON shape', async () => {
    await gitRepoWithGoals();
    const { status, stdout } = await omk('events', 'verify', '20250301-a', '--json');
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      goal_id: '20250301-aaaa',
      ok: true,
      events: 2,
      head: expect.stringMatching(/^[0-9a-f]{64}$/),
      problems: [],
      stats: { parse_failures: 0, duplicates: 0, torn_tail: false },
    });
  });

  it('reports the first problem with its line, seq and a hint, and exits 1', async () => {
    const file = await gitRepoWithGoals();
    writeFileSync(file, readFileSync(file, 'utf8').replace('"gate":"g2"', '"gate":"g9"'));
    const text = await omk('events', 'verify', '20250301-b');
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('first: edited at line 4, seq 4');
    expect(text.stdout).toContain('hint:');
    const json = await omk('events', 'verify', '20250301-b', '--json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, problems: [{ kind: 'edited', line: 4, seq: 4 }] });
  });

  it('heals a missing tail first and says so', async () => {
    const file = await gitRepoWithGoals();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n`);
    const { status, stdout } = await omk('events', 'verify', 'latest');
    expect(status).toBe(0);
    expect(stdout).toContain('healed: 3 event(s) re-appended from the store');
  });

  it('exits 2 for an ambiguous prefix (listing candidates), an unknown goal, or outside a repository', async () => {
    await gitRepoWithGoals();
    const ambiguous = await omk('events', 'verify', '2025');
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toContain('20250301-aaaa, 20250301-bbbb');
    expect((await omk('events', 'verify', 'nope')).status).toBe(2);

    const outside = tempRepo();
    try {
      const stderr = new Capture();
      const status = await runCli(['events', 'verify', 'latest'], '0.0.0-test', {
        cwd: outside.dir,
        env: { HOME: outside.dir },
        stdout: new Capture(),
        stderr,
      });
      expect(status).toBe(2);
      expect(stderr.text).toContain('not inside a git repository');
    } finally {
      outside.cleanup();
    }
  });
});
