import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOmkError } from '../../../src/core/errors.js';
import { loadConfig, validateConfigFiles } from '../../../src/runtime/config/load-config.js';
import { setConfigValue } from '../../../src/runtime/config/set-config-value.js';

let dir: string;
let paths: { userConfigFile: string; projectConfigFile: string };

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omk-config-'));
  paths = { userConfigFile: path.join(dir, 'user', 'config.toml'), projectConfigFile: path.join(dir, 'repo', '.omk', 'config.toml') };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

describe('loadConfig', () => {
  it('treats missing files as empty layers', async () => {
    const loaded = await loadConfig({ paths, env: {} });
    expect(loaded.config.defaults.engine).toBe('kimi');
    expect(loaded.files).toEqual({
      user: { path: paths.userConfigFile, exists: false },
      project: { path: paths.projectConfigFile, exists: false },
    });
  });

  it('merges both files and the environment', async () => {
    await write(paths.userConfigFile, '[defaults]\nmax_agents = 2\npolicy = "draft-pr"\n');
    await write(paths.projectConfigFile, '[defaults]\nmax_agents = 3\n[gates.test]\ncommand = "npm test"\n');
    const loaded = await loadConfig({ paths, env: { OMK_DEFAULTS__APPROVAL: 'plan' } });
    expect(loaded.config.defaults).toMatchObject({ max_agents: 3, policy: 'draft-pr', approval: 'plan' });
    expect(loaded.config.gates.test?.command).toBe('npm test');
    expect(loaded.sources.get('defaults.max_agents')).toEqual({ layer: 'project', file: paths.projectConfigFile });
  });

  it('throws config_parse naming the file, line and column for invalid TOML', async () => {
    await write(paths.projectConfigFile, '[defaults]\nmax_agents = = 2\n');
    const error: unknown = await loadConfig({ paths, env: {} }).catch((e: unknown) => e);
    expect(isOmkError(error) && error.code).toBe('config_parse');
    expect((error as Error).message).toMatch(new RegExp(`^${paths.projectConfigFile}:2:\\d+: expected valid TOML`));
  });

  it('throws config_invalid for a wrong type', async () => {
    await write(paths.userConfigFile, '[defaults]\nmax_agents = "four"\n');
    const error: unknown = await loadConfig({ paths, env: {} }).catch((e: unknown) => e);
    expect(isOmkError(error) && error.code).toBe('config_invalid');
  });
});

describe('validateConfigFiles', () => {
  it('returns nothing for valid config and every problem otherwise, without throwing', async () => {
    expect(await validateConfigFiles({ paths, env: {} })).toEqual([]);
    await mkdir(paths.userConfigFile, { recursive: true }); // a directory where the file should be
    await write(paths.projectConfigFile, '[log]\nlevel = "loud"\n');
    const problems = await validateConfigFiles({ paths, env: { OMK_DASHBOARD__PORT: 'x' } });
    expect(problems.map((p) => p.message)).toEqual([
      `${paths.userConfigFile}: expected a readable TOML file, found a directory`,
      `${paths.projectConfigFile}: log.level: expected one of "debug", "info", "warn", "error", "silent", found "loud"`,
      'OMK_DASHBOARD__PORT: dashboard.port: expected an integer from 1 to 65535, found "x"',
    ]);
  });
});

describe('setConfigValue', () => {
  it('creates the file and its directory', async () => {
    const result = await setConfigValue({ file: paths.userConfigFile, key: 'defaults.max_agents', value: '4' });
    expect(result).toMatchObject({ key: 'defaults.max_agents', value: 4, created: true });
    expect(await readFile(paths.userConfigFile, 'utf8')).toBe('[defaults]\nmax_agents = 4\n');
  });

  it('keeps comments and untouched lines byte for byte', async () => {
    const text = '# mine\n[defaults]  # section\nmax_agents = 2 # two\n\n# trailing\n';
    await write(paths.userConfigFile, text);
    await setConfigValue({ file: paths.userConfigFile, key: 'defaults.max_agents', value: '5' });
    expect(await readFile(paths.userConfigFile, 'utf8')).toBe(text.replace('max_agents = 2 # two', 'max_agents = 5 # two'));
  });

  it('replaces the file atomically, keeping its mode and leaving no temp file', async () => {
    await write(paths.userConfigFile, '[log]\nlevel = "warn"\n');
    await chmod(paths.userConfigFile, 0o600);
    await setConfigValue({ file: paths.userConfigFile, key: 'log.level', value: 'info' });
    expect((await stat(paths.userConfigFile)).mode & 0o777).toBe(0o600);
    expect(await readdir(path.dirname(paths.userConfigFile))).toEqual(['config.toml']);
    expect(await readFile(paths.userConfigFile, 'utf8')).toBe('[log]\nlevel = "info"\n');
  });

  it('types the value by the schema: strings stay strings', async () => {
    await setConfigValue({ file: paths.userConfigFile, key: 'engines.kimi.model', value: '1234' });
    await setConfigValue({ file: paths.userConfigFile, key: 'engines.kimi.args', value: '["acp", "-v"]' });
    expect(await readFile(paths.userConfigFile, 'utf8')).toBe('[engines.kimi]\nmodel = "1234"\nargs = ["acp", "-v"]\n');
  });

  it('refuses an invalid value, an unknown key and a literal key without touching the file', async () => {
    const text = '[defaults]\nmax_agents = 2\n';
    await write(paths.userConfigFile, text);
    for (const [key, value] of [
      ['defaults.max_agents', 'four'],
      ['defaults.colour', 'red'],
      ['engines.builtin.env.MOONSHOT_API_KEY', 'sk-abcdefghijklmnopqrstuvwxyz'],
    ] as const) {
      const error: unknown = await setConfigValue({ file: paths.userConfigFile, key, value }).catch((e: unknown) => e);
      expect(isOmkError(error) && error.code).toBe('config_invalid');
      expect((error as Error).message).toContain(`${paths.userConfigFile}: ${key}: expected`);
      expect(await readFile(paths.userConfigFile, 'utf8')).toBe(text);
    }
  });

  it('does not touch a file that does not parse', async () => {
    await write(paths.userConfigFile, 'broken = [\n');
    const error: unknown = await setConfigValue({ file: paths.userConfigFile, key: 'log.level', value: 'info' }).catch((e: unknown) => e);
    expect(isOmkError(error) && error.code).toBe('config_parse');
    expect((error as Error).message).toContain(paths.userConfigFile);
    expect(await readFile(paths.userConfigFile, 'utf8')).toBe('broken = [\n');
  });
});
