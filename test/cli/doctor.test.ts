import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runOmk } from '../helpers/cli.js';

interface Report {
  ok: boolean;
  status: string;
  counts: { ok: number; warn: number; fail: number };
  checks: Array<{ id: string; status: string; detail: string; fix?: string }>;
}

function fakeBin(dir: string, name: string, script: string): void {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
}

/** A home, a PATH with git and node plus fake engines, and a git repository. */
function sandbox() {
  const root = mkdtempSync(path.join(tmpdir(), 'omk-doctor-'));
  const bin = path.join(root, 'bin');
  const home = path.join(root, 'home');
  const repo = path.join(root, 'repo');
  mkdirSync(bin);
  mkdirSync(home);
  mkdirSync(repo);
  execFileSync('git', ['init', '-q', repo]);
  const gitDir = path.dirname(execFileSync('which', ['git'], { encoding: 'utf8' }).trim());
  const env: Record<string, string> = {
    HOME: home,
    PATH: `${bin}:${gitDir}:/usr/bin:/bin`,
    OMK_DOCTOR_TIMEOUT_MS: '2000',
  };
  return { root, bin, home, repo, env };
}

const byId = (r: Report, id: string) => r.checks.find((c) => c.id === id);

describe('omk doctor', () => {
  it('reports engines that answer, engines that do not, and missing ones', async () => {
    const s = sandbox();
    fakeBin(s.bin, 'kimi', 'echo "kimi, version 2.1.0"');
    fakeBin(s.bin, 'codex-acp', 'echo "boom" >&2; exit 3');
    fakeBin(s.bin, 'gemini', 'exec sleep 30');
    const r = await runOmk(['doctor', '--json'], { cwd: s.repo, env: s.env });
    const report = JSON.parse(r.stdout) as Report;
    expect(byId(report, 'engine.kimi')).toMatchObject({ status: 'ok' });
    expect(byId(report, 'engine.kimi')!.detail).toContain('version 2.1.0');
    expect(byId(report, 'engine.codex')).toMatchObject({ status: 'warn' });
    expect(byId(report, 'engine.codex')!.detail).toContain('exited 3');
    expect(byId(report, 'engine.gemini')!.detail).toContain('did not answer');
    expect(byId(report, 'engine.claude')!.detail).toContain('not on PATH');
    expect(byId(report, 'engine.claude')!.fix).toContain('npm i -g');
    expect(byId(report, 'git')).toMatchObject({ status: 'ok' });
    expect(byId(report, 'sqlite')).toMatchObject({ status: 'ok' });
    expect(r.status).toBe(0);
  });

  it('says which key variables are set without ever printing a value', async () => {
    const s = sandbox();
    const secret = 'sk-doctor-secret-value-1234567890abcdef';
    const r = await runOmk(['doctor', '--json'], { cwd: s.repo, env: { ...s.env, MOONSHOT_API_KEY: secret } });
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
    const report = JSON.parse(r.stdout) as Report;
    expect(byId(report, 'env.MOONSHOT_API_KEY')!.detail).toContain('is set');
    expect(byId(report, 'env.OPENAI_API_KEY')!.detail).toContain('not set');
    expect(byId(report, 'engine.builtin')).toMatchObject({ status: 'ok' });
  });

  it('fails with exit 1 and a fix when a state directory cannot be written', async () => {
    const s = sandbox();
    // A regular file where the config directory should be.
    mkdirSync(path.join(s.home, '.config'));
    writeFileSync(path.join(s.home, '.config', 'omk'), 'not a directory');
    const r = await runOmk(['doctor'], { cwd: s.repo, env: s.env });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/fail\s+state\.user_config\s+.*is not a directory/);
    expect(r.stdout).toContain('fix: move');
    expect(r.stdout).toMatch(/doctor: \d+ ok, \d+ warn, [1-9] fail/);
  });

  it('warns outside a git repository', async () => {
    const s = sandbox();
    const r = await runOmk(['doctor', '--json'], { cwd: s.home, env: s.env });
    const report = JSON.parse(r.stdout) as Report;
    expect(byId(report, 'state.project')).toMatchObject({ status: 'warn' });
  });

  it('fails when git is missing', async () => {
    const s = sandbox();
    const r = await runOmk(['doctor', '--json'], { cwd: s.home, env: { ...s.env, PATH: s.bin } });
    const report = JSON.parse(r.stdout) as Report;
    expect(byId(report, 'git')).toMatchObject({ status: 'fail' });
    expect(byId(report, 'git')!.fix).toContain('install git');
    expect(r.status).toBe(1);
  });
});

describe('omk doctor config check', () => {
  it('fails naming the file and key of an invalid config value', async () => {
    const s = sandbox();
    mkdirSync(path.join(s.home, '.config', 'omk'), { recursive: true });
    const file = path.join(s.home, '.config', 'omk', 'config.toml');
    writeFileSync(file, '[defaults]\nmax_agents = "four"\n');
    const r = await runOmk(['doctor', '--json'], { cwd: s.repo, env: s.env });
    const report = JSON.parse(r.stdout) as Report;
    const config = byId(report, 'config')!;
    expect(config.status).toBe('fail');
    expect(config.detail).toContain(file);
    expect(config.detail).toContain('defaults.max_agents');
    expect(r.status).toBe(1);
  });

  it('is ok with no config files at all', async () => {
    const s = sandbox();
    const r = await runOmk(['doctor', '--json'], { cwd: s.repo, env: s.env });
    expect(byId(JSON.parse(r.stdout) as Report, 'config')).toMatchObject({ status: 'ok' });
  });
});

describe('omk doctor store check', () => {
  it('fails on a database from a newer omk and leaves it untouched', async () => {
    const s = sandbox();
    const { default: Database } = await import('better-sqlite3');
    const file = path.join(s.repo, '.omk', 'omk.db');
    mkdirSync(path.dirname(file));
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    const before = readFileSync(file);
    const r = await runOmk(['doctor', '--json'], { cwd: s.repo, env: s.env });
    const store = byId(JSON.parse(r.stdout) as Report, 'store')!;
    expect(store.status).toBe('fail');
    expect(store.detail).toContain('newer omk');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(r.status).toBe(1);
  });

  it('fails on a file that is not a database, naming it', async () => {
    const s = sandbox();
    const file = path.join(s.repo, '.omk', 'omk.db');
    mkdirSync(path.dirname(file));
    writeFileSync(file, 'this is not sqlite, it is long enough to have a header of one hundred bytes or so......................');
    const r = await runOmk(['doctor', '--json'], { cwd: s.repo, env: s.env });
    const store = byId(JSON.parse(r.stdout) as Report, 'store')!;
    expect(store).toMatchObject({ status: 'fail' });
    expect(store.detail).toContain(file);
    expect(readFileSync(file, 'utf8')).toContain('this is not sqlite');
  });
});
