import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOmk } from '../helpers/cli.js';
import { fixture, gitRepo, type GitRepo } from '../runtime/gates/helpers.js';

describe('omk gates', () => {
  let repo: GitRepo;
  let home: string;
  let counter: string;
  let env: Record<string, string>;
  const omk = (...argv: string[]) => runOmk(['gates', ...argv], { cwd: repo.dir, env });

  beforeAll(() => {
    repo = gitRepo();
    home = mkdtempSync(path.join(tmpdir(), 'omk-gates-home-'));
    counter = path.join(home, 'count');
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_STATE_HOME: path.join(home, 'state') };
    mkdirSync(path.join(repo.dir, '.omk'));
    writeFileSync(
      path.join(repo.dir, '.omk', 'config.toml'),
      [
        '[gates.unit]',
        `command = "sh ${fixture('pass.sh').slice(1, -1)} ${counter}"`,
        '',
        '[gates.style]',
        `command = "sh ${fixture('fail.sh').slice(1, -1)}"`,
        'required = false',
        'timeout = "30s"',
        '',
        '[gates.broken]',
        'command = "definitely-not-a-command-omk"',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  it('list shows configured gates with their source and why, and what detection would pick', async () => {
    repo.write('package.json', JSON.stringify({ scripts: { test: 'vitest run' } }));
    const text = await omk('list');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('* unit: sh ');
    expect(text.stdout).toContain('config, optional, timeout 30s');
    expect(text.stdout).toContain(`why: [gates.unit] in ${path.join(repo.dir, '.omk', 'config.toml')}`);
    expect(text.stdout).toContain('  test: npm test');
    expect(text.stdout).toContain('not used: configured gates take precedence');
    const json = JSON.parse((await omk('list', '--json')).stdout);
    expect(json.gates.map((g: { name: string; source: string; active: boolean }) => [g.name, g.source, g.active])).toEqual([
      ['broken', 'config', true],
      ['style', 'config', true],
      ['unit', 'config', true],
      ['test', 'detected', false],
    ]);
    expect(json.gates[3]).toMatchObject({ command: 'npm test', why: 'package.json has a "test" script; no lockfile, so npm', required: true, timeout_ms: 600000 });
  });

  it('run NAME passes with exit 0, prints the artifact path, and is cached on an unchanged tree', async () => {
    const first = await omk('run', 'unit');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^PASS unit \d+\.\ds\n {4}\.omk\/gates\/\S+-unit-[0-9a-f]{6}\/\n/);
    expect(first.stdout).toMatch(/PASSED: 1\/1 gates passed on tree [0-9a-f]{12}/);
    const second = await omk('run', 'unit');
    expect(second.stdout).toContain('PASS unit');
    expect(second.stdout).toContain('(cached)');
    expect(readFileSync(counter, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    expect((await omk('run', 'unit', '--no-cache')).stdout).not.toContain('(cached)');
    expect(readFileSync(counter, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    // The artifacts directory is kept out of git status.
    const status = repo.git('status', '--porcelain', '--untracked-files=all');
    expect(status).toContain('.omk/config.toml');
    expect(status).not.toContain('.omk/gates');
  });

  it('an optional failure does not fail the run; --json has the evidence', async () => {
    const r = await omk('run', 'unit', 'style', '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.passed).toBe(true);
    expect(json.summary).toMatchObject({ total: 2, failed: [], optional_failed: ['style'] });
    expect(json.runs[1]).toMatchObject({ name: 'style', outcome: 'failed', exit_code: 1, required: false });
    expect(json.runs[1].stdout.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.tree_sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a failing required gate exits 1; status shows the breaker opening after 3 infrastructure failures; reset closes it', async () => {
    for (let i = 0; i < 3; i += 1) {
      const r = await omk('run', 'broken');
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('FAIL broken exit 127 (command not found)');
    }
    const status = JSON.parse((await omk('status', '--json')).stdout);
    expect(status.breakers.find((b: { gate: string }) => b.gate === 'broken')).toMatchObject({ state: 'open', consecutive_failures: 3 });
    expect(status.breakers.find((b: { gate: string }) => b.gate === 'unit')).toMatchObject({ state: 'closed' });
    expect((await omk('status')).stdout).toMatch(/broken: open, 3 consecutive infrastructure failure\(s\), probe allowed from \S+/);

    const refused = await omk('run', 'broken');
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('FAIL broken not run: circuit breaker open');

    const reset = await omk('reset', 'broken');
    expect(reset.status).toBe(0);
    expect(reset.stdout).toBe('broken: breaker open -> closed\n');
    expect(JSON.parse((await omk('status', '--json')).stdout).breakers.find((b: { gate: string }) => b.gate === 'broken').state).toBe('closed');
  });

  it('usage errors exit 2', async () => {
    const unknown = await omk('run', 'nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown gate(s): nope');
    expect((await omk('reset', 'nope')).status).toBe(2);
    const outside = await runOmk(['gates', 'list'], { cwd: home, env });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('not inside a git repository');
  });
});
