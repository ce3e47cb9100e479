import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

let dir: string;
let repo: string;
let userFile: string;
let projectFile: string;
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

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omk-cli-config-'));
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

describe('omk config show', () => {
  it('prints one line per leaf with the layer each value came from', async () => {
    await write(userFile, '[defaults]\npolicy = "draft-pr"\n');
    await write(projectFile, '[gates.test]\ncommand = "npm test"\n');
    env.OMK_DEFAULTS__MAX_AGENTS = '4';
    const { status, stdout } = await omk(repo, 'config', 'show');
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toContain('defaults.engine = "kimi"  # default');
    expect(lines).toContain(`defaults.policy = "draft-pr"  # user ${userFile}`);
    expect(lines).toContain(`gates.test.command = "npm test"  # project ${projectFile}`);
    expect(lines).toContain('defaults.max_agents = 4  # env OMK_DEFAULTS__MAX_AGENTS');
  });

  it('--json gives values and sources; secrets in env tables are redacted', async () => {
    await write(userFile, '[engines.kimi.env]\nKIMI_MODEL_API_KEY = "not-a-real-key"\nKIMI_CODE_HOME = "/tmp/kimi"\n');
    const { status, stdout } = await omk(repo, 'config', 'show', '--json');
    expect(status).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.values.defaults.engine).toBe('kimi');
    expect(json.values.engines.kimi.env).toEqual({ KIMI_MODEL_API_KEY: '[REDACTED]', KIMI_CODE_HOME: '/tmp/kimi' });
    expect(json.sources['defaults.engine']).toEqual({ layer: 'default' });
    expect(json.sources['engines.kimi.env.KIMI_CODE_HOME']).toEqual({ layer: 'user', file: userFile });
    expect(stdout).not.toContain('not-a-real-key');
  });

  it('shows a notify webhook URL as its origin only (Slack and Discord URLs are credentials)', async () => {
    await write(projectFile, '[notify.targets.team]\nkind = "slack"\nurl = "https://hooks.slack.com/services/T0/B0/webhookSecret"\n');
    const { status, stdout } = await omk(repo, 'config', 'show', '--json');
    expect(status).toBe(0);
    expect(JSON.parse(stdout).values.notify.targets.team).toEqual({ kind: 'slack', url: 'https://hooks.slack.com/[REDACTED]' });
    expect(stdout).not.toContain('webhookSecret');
  });

  it('with a key shows just that key, and a missing key is a usage error', async () => {
    const one = await omk(repo, 'config', 'show', 'dashboard.port');
    expect(one.stdout).toBe('dashboard.port = 4777  # default\n');
    const missing = await omk(repo, 'config', 'show', 'dashboard.nope');
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('no config key dashboard.nope');
  });
});

describe('omk config validate', () => {
  it('passes with exit 0 when everything is valid', async () => {
    const { status, stdout } = await omk(repo, 'config', 'validate');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^config ok/);
  });

  it('names the file of malformed TOML and exits 2', async () => {
    await write(projectFile, '[defaults\nengine = "kimi"\n');
    const { status, stdout } = await omk(repo, 'config', 'validate');
    expect(status).toBe(2);
    expect(stdout).toMatch(new RegExp(`^${projectFile}:1:\\d+: expected valid TOML, found a syntax error`));
  });

  it('names file, key, expected and found for a wrong type, also as JSON', async () => {
    await write(userFile, '[defaults]\nmax_agents = "four"\n');
    const text = await omk(repo, 'config', 'validate');
    expect(text.status).toBe(2);
    expect(text.stdout).toBe(`${userFile}: defaults.max_agents: expected an integer from 1 to 64, found "four"\n`);
    const json = await omk(repo, 'config', 'validate', '--json');
    expect(json.status).toBe(2);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.ok).toBe(false);
    expect(parsed.problems[0]).toMatchObject({ file: userFile, key: 'defaults.max_agents', expected: 'an integer from 1 to 64', found: '"four"' });
  });

  it('an empty gate command is an error naming the file and key (not silently replaced by a detected gate)', async () => {
    await write(projectFile, '[gates.test]\ncommand = "  "\n');
    const { status, stdout } = await omk(repo, 'config', 'validate');
    expect(status).toBe(2);
    expect(stdout).toContain(`${projectFile}: gates.test.command: expected a shell command`);
    expect(stdout).toContain('found "  "');
  });

  it('checks OMK_ variables and names them', async () => {
    env.OMK_LOG__LEVEL = 'loud';
    const { status, stdout } = await omk(repo, 'config', 'validate');
    expect(status).toBe(2);
    expect(stdout).toContain('OMK_LOG__LEVEL: log.level: expected one of');
  });
});

describe('omk config set', () => {
  it('writes the user file by default, preserving comments', async () => {
    await write(userFile, '# my settings\n[defaults]\n# workers\nmax_agents = 2 # low\n');
    const { status } = await omk(repo, 'config', 'set', 'defaults.max_agents', '6');
    expect(status).toBe(0);
    expect(await readFile(userFile, 'utf8')).toBe('# my settings\n[defaults]\n# workers\nmax_agents = 6 # low\n');
    const shown = await omk(repo, 'config', 'show', 'defaults.max_agents');
    expect(shown.stdout).toBe(`defaults.max_agents = 6  # user ${userFile}\n`);
  });

  it('--project writes <repo>/.omk/config.toml, creating it', async () => {
    const { status } = await omk(repo, 'config', 'set', '--project', 'gates.test.command', 'npm test');
    expect(status).toBe(0);
    expect(await readFile(projectFile, 'utf8')).toBe('[gates.test]\ncommand = "npm test"\n');
  });

  it('--project outside a repository is not_a_repo', async () => {
    const { status, stderr } = await omk(dir, 'config', 'set', '--project', 'log.level', 'info');
    expect(status).toBe(2);
    expect(stderr).toContain('needs a git repository');
  });

  it('refuses an invalid value and leaves the file untouched', async () => {
    const text = '# keep me\n[defaults]\nmax_agents = 2\n';
    await write(userFile, text);
    const { status, stderr } = await omk(repo, 'config', 'set', 'defaults.max_agents', '100');
    expect(status).toBe(2);
    expect(stderr).toContain(`${userFile}: defaults.max_agents: expected an integer from 1 to 64, found 100`);
    expect(await readFile(userFile, 'utf8')).toBe(text);
  });
});

describe('omk config path', () => {
  it('lists both files and whether they exist', async () => {
    await write(userFile, '');
    const { status, stdout } = await omk(repo, 'config', 'path', '--json');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      user: { path: userFile, exists: true },
      project: { path: projectFile, exists: false },
    });
    const outside = await omk(dir, 'config', 'path');
    expect(outside.stdout).toContain('project  (not in a git repository)');
  });
});
