import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

let dir: string;
let repo: string;
let env: Record<string, string | undefined>;

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function omk(cwd: string, ...argv: string[]) {
  const out = sink();
  const err = sink();
  const status = await runCli(argv, '0.0.0-test', { cwd, env, stdout: out.stream, stderr: err.stream });
  return { status, stdout: out.text(), stderr: err.text() };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omk-cli-setup-'));
  env = { HOME: path.join(dir, 'home'), PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1' };
  repo = path.join(dir, 'repo');
  execFileSync('git', ['init', '-q', repo], { env });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('omk setup', () => {
  it('creates the user and project parts, and git status shows only .omk/config.toml', async () => {
    const first = await omk(repo, 'setup', '--json');
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.project_skipped).toBe(false);
    expect(report.items.map((i: { what: string; status: string }) => `${i.what}:${i.status}`)).toEqual([
      'user config dir:created',
      'user config:created',
      'state dir:created',
      'project dir:created',
      'project config:created',
      'git exclude:updated',
    ]);
    // Local state that setup's exclude must hide.
    await writeFile(path.join(repo, '.omk', 'omk.db'), '');
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo, env, encoding: 'utf8' });
    expect(status).toBe('?? .omk/config.toml\n');
  });

  it('is idempotent: a second run creates nothing and duplicates no exclude line', async () => {
    await omk(repo, 'setup');
    const userFile = path.join(dir, 'home', '.config', 'omk', 'config.toml');
    await writeFile(userFile, '[defaults]\nmax_agents = 3\n'); // must not be overwritten
    const second = await omk(repo, 'setup');
    expect(second.status).toBe(0);
    expect(second.stdout).not.toContain('created');
    expect(second.stdout.match(/already there/g)).toHaveLength(6);
    expect(await readFile(userFile, 'utf8')).toBe('[defaults]\nmax_agents = 3\n');
    const exclude = await readFile(path.join(repo, '.git', 'info', 'exclude'), 'utf8');
    expect(exclude.split('\n').filter((l) => l === '/.omk/*' || l === '!/.omk/config.toml')).toEqual([
      '/.omk/*',
      '!/.omk/config.toml',
    ]);
  });

  it('outside a repository says the project part was skipped', async () => {
    const result = await omk(dir, 'setup');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('project part skipped');
    expect(result.stdout).not.toContain('project config');
  });
});
