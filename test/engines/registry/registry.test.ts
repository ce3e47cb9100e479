import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/defaults.js';
import { ENGINE_PRESETS, PRESET_ENGINE_NAMES } from '../../../src/core/config/engine-presets.js';
import { OmkError } from '../../../src/core/errors.js';
import {
  DEFAULT_MODEL_PRICES,
  engineAvailability,
  listEngines,
  resolveEngine,
  resolvePricing,
  startEngineSession,
} from '../../../src/engines/registry/index.js';
import { costOf } from '../../../src/engines/session.js';
import type { AgentEvent, ApproveFn } from '../../../src/engines/session.js';
import { loadConfig } from '../../../src/runtime/config/load-config.js';
import { resolvePaths } from '../../../src/runtime/paths.js';
import { processAndGroupGone } from '../acp/helpers.js';
import { FAKE_ACP, FAKE_WIRE, sandbox, type Sandbox } from './helpers.js';

let s: Sandbox | undefined;
afterEach(() => {
  s?.cleanup();
  s = undefined;
});

async function load(box: Sandbox) {
  return loadConfig({ paths: resolvePaths({ cwd: box.repo, env: box.env }), env: box.env });
}

const allow: ApproveFn = () => Promise.resolve({ allow: true, rule: 'test:allow' });

describe('engine presets', () => {
  it('lists the six presets, and the built-in config layer agrees with them', () => {
    const names = listEngines(defaultConfig()).map((e) => e.name);
    expect(names).toEqual(['kimi', 'kimi-wire', 'codex', 'claude', 'gemini', 'builtin']);
    expect(PRESET_ENGINE_NAMES).toEqual(names);
    for (const [name, engine] of Object.entries(defaultConfig().engines)) {
      const preset = ENGINE_PRESETS[name]!;
      expect(engine.protocol).toBe(preset.protocol);
      expect(engine.command).toBe(preset.command);
      if (engine.args) expect(engine.args).toEqual(preset.args);
      expect(engine.model).toBe(preset.model);
    }
  });

  it('resolves the presets with their commands, install hints and sources', () => {
    const config = defaultConfig();
    expect(resolveEngine('kimi', config)).toMatchObject({ protocol: 'acp', command: 'kimi', args: ['acp'], source: 'preset', passEnv: ['KIMI_*'] });
    expect(resolveEngine('kimi-wire', config)).toMatchObject({ protocol: 'wire', command: 'kimi' });
    expect(resolveEngine('codex', config)).toMatchObject({ protocol: 'acp', command: 'codex-acp', args: [] });
    expect(resolveEngine('claude', config)).toMatchObject({ protocol: 'acp', command: 'claude-code-acp' });
    expect(resolveEngine('gemini', config)).toMatchObject({
      protocol: 'acp',
      command: 'gemini',
      args: ['--acp'],
      env: { GEMINI_CLI_NO_RELAUNCH: 'true' },
      serveFs: false,
      passEnv: ['GEMINI_*', 'GOOGLE_*'],
    });
    expect(resolveEngine('kimi', config).serveFs).toBe(true);
    const builtin = resolveEngine('builtin', config);
    expect(builtin).toMatchObject({
      protocol: 'openai',
      command: undefined,
      baseUrl: 'https://api.moonshot.ai/v1',
      model: 'kimi-k2.6',
      apiKeyEnvs: ['MOONSHOT_API_KEY', 'KIMI_API_KEY'],
    });
    expect(resolveEngine('kimi', config).installHint).toContain('npm i -g @moonshot-ai/kimi-code');
  });
});

describe('resolveEngine with config', () => {
  it('merges [engines.NAME] over the preset, config winning, and records the file', async () => {
    s = sandbox();
    s.config({ kimi: { protocol: 'acp', command: '/opt/kimi/bin/kimi', model: 'kimi-k2.5' } });
    const { config, sources } = await load(s);
    const kimi = resolveEngine('kimi', config, sources);
    expect(kimi).toMatchObject({ command: '/opt/kimi/bin/kimi', args: ['acp'], passEnv: ['KIMI_*'], model: 'kimi-k2.5', source: 'config' });
    expect(kimi.configuredIn).toEqual([s.userConfig]);
    expect(kimi.installHint).toContain('kimi-code');
    expect(resolveEngine('codex', config, sources)).toMatchObject({ source: 'preset', configuredIn: [] });
  });

  it("merges config's env over the preset's key by key, and serve_fs over the preset's choice", async () => {
    s = sandbox();
    s.config(
      {},
      [
        '[engines.gemini]',
        'protocol = "acp"',
        'command = "/usr/bin/node"',
        'args = ["gemini.js", "--acp"]',
        'env = { GEMINI_MODEL = "gemini-2.5-pro" }',
        'serve_fs = true',
        '',
        '[engines.kimi]',
        'protocol = "acp"',
        'command = "kimi"',
        'serve_fs = false',
        '',
      ].join('\n'),
    );
    const { config, sources } = await load(s);
    expect(resolveEngine('gemini', config, sources)).toMatchObject({
      command: '/usr/bin/node',
      args: ['gemini.js', '--acp'],
      env: { GEMINI_CLI_NO_RELAUNCH: 'true', GEMINI_MODEL: 'gemini-2.5-pro' },
      serveFs: true,
    });
    expect(resolveEngine('kimi', config, sources).serveFs).toBe(false);
  });

  it('takes any name from config, and a changed protocol replaces the preset', async () => {
    s = sandbox();
    s.config({
      mine: { protocol: 'acp', command: 'my-agent', args: ['--acp'] },
      gemini: { protocol: 'wire', command: 'gem-wire' },
    });
    const { config, sources } = await load(s);
    expect(listEngines(config, sources).map((e) => e.name)).toEqual([...PRESET_ENGINE_NAMES, 'mine']);
    expect(resolveEngine('mine', config, sources)).toMatchObject({ protocol: 'acp', command: 'my-agent', args: ['--acp'], preset: false, source: 'config' });
    const gemini = resolveEngine('gemini', config, sources);
    expect(gemini).toMatchObject({ protocol: 'wire', command: 'gem-wire', args: [], passEnv: [] });
    expect(gemini.installHint).toContain('[engines.gemini].command');
  });

  it('lets defaults.engine name a preset that has no [engines.NAME] table', async () => {
    s = sandbox();
    writeFileSync(s.userConfig, '[defaults]\nengine = "codex"\n');
    expect((await load(s)).config.defaults.engine).toBe('codex');
    writeFileSync(s.userConfig, '[defaults]\nengine = "nope"\n');
    await expect(load(s)).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringContaining('"codex"') });
  });

  it('rejects an unknown name with a usage error listing the known ones', () => {
    let caught: unknown;
    try {
      resolveEngine('nope', defaultConfig());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OmkError);
    expect(caught).toMatchObject({ code: 'usage' });
    expect((caught as OmkError).message).toContain('unknown engine "nope"');
    expect((caught as OmkError).message).toContain('kimi, kimi-wire, codex, claude, gemini, builtin');
    expect((caught as OmkError).hint).toContain('[engines.nope]');
  });
});

describe('pricing', () => {
  it('has defaults for current Kimi models, each with its source', () => {
    expect(DEFAULT_MODEL_PRICES['kimi-k2.5']!.pricing).toEqual({ cached_input_per_mtok: 0.1, input_per_mtok: 0.6, output_per_mtok: 3 });
    expect(DEFAULT_MODEL_PRICES['kimi-k2.6']!.pricing).toEqual({ cached_input_per_mtok: 0.16, input_per_mtok: 0.95, output_per_mtok: 4 });
    expect(DEFAULT_MODEL_PRICES['kimi-k3']!.pricing).toEqual({ cached_input_per_mtok: 0.3, input_per_mtok: 3, output_per_mtok: 15 });
    const builtin = resolveEngine('builtin', defaultConfig());
    expect(builtin.pricingSource).toContain('default for kimi-k2.6');
    // 1M uncached in, 1M cached in, 1M out at kimi-k2.6 prices.
    expect(costOf({ input: 1e6, cacheRead: 1e6, cacheWrite: 0, output: 1e6, exact: true }, builtin.pricing)).toBeCloseTo(0.95 + 0.16 + 4);
  });

  it('lets config override single fields and says so; unknown models have no price', async () => {
    s = sandbox();
    s.config({ builtin: { protocol: 'openai', pricing: { output_per_mtok: 5 } }, other: { protocol: 'openai', model: 'x-1' } });
    const { config, sources } = await load(s);
    const builtin = resolveEngine('builtin', config, sources);
    expect(builtin.pricing).toEqual({ cached_input_per_mtok: 0.16, input_per_mtok: 0.95, output_per_mtok: 5 });
    expect(builtin.pricingSource).toBe(`config (${s.userConfig}) over the default for kimi-k2.6 (${DEFAULT_MODEL_PRICES['kimi-k2.6']!.source})`);
    expect(resolveEngine('other', config, sources)).toMatchObject({ pricing: undefined, pricingSource: 'none' });
    expect(resolveEngine('kimi', config, sources).pricing).toBeUndefined();
    expect(resolvePricing('kimi-k3', { input_per_mtok: 1 }, 'X').source).toMatch(/^config \(X\) over the default for kimi-k3/);
  });
});

describe('availability and startEngineSession', () => {
  it('fails with binary_missing naming the engine, the command and the fix', async () => {
    s = sandbox();
    const spec = resolveEngine('claude', defaultConfig());
    expect(engineAvailability(spec, s.env, s.repo)).toMatchObject({ installed: false, detail: '`claude-code-acp` is not on PATH' });
    const start = startEngineSession(spec, { cwd: s.repo, env: s.env, approve: allow });
    await expect(start).rejects.toMatchObject({ code: 'binary_missing' });
    const error = (await start.catch((e: unknown) => e)) as OmkError;
    expect(error.message).toContain('engine `claude`');
    expect(error.message).toContain('claude-code-acp');
    expect(error.hint).toContain('npm i -g @zed-industries/claude-code-acp');
    expect(error.hint).toContain('[engines.claude].command');
  });

  it('reports whether the builtin engine has a key without showing it', () => {
    const spec = resolveEngine('builtin', defaultConfig());
    expect(engineAvailability(spec, {}, '/')).toMatchObject({ installed: false, detail: 'no API key: MOONSHOT_API_KEY and KIMI_API_KEY are not set' });
    const found = engineAvailability(spec, { KIMI_API_KEY: 'sk-not-shown-1234567890' }, '/');
    expect(found).toMatchObject({ installed: true, keyVariable: 'KIMI_API_KEY' });
    expect(JSON.stringify(found)).not.toContain('sk-not-shown');
  });

  it('dispatches to the ACP adapter and the Wire adapter (real fake agents) and leaves no process', async () => {
    s = sandbox();
    s.config({
      'fake-acp': { protocol: 'acp', command: process.execPath, args: [FAKE_ACP, 'acp', '--scenario', s.scenario([{ echo: true }])] },
      'fake-wire': { protocol: 'wire', command: process.execPath, args: [FAKE_WIRE, '--scenario', s.scenario([{ echo: true }])], model: 'm1' },
    });
    const { config, sources } = await load(s);
    for (const [name, protocol] of [['fake-acp', 'acp'], ['fake-wire', 'wire']] as const) {
      const session = await startEngineSession(resolveEngine(name, config, sources), { cwd: s.repo, env: s.env, approve: allow, handshakeTimeoutMs: 10_000 });
      expect(session.info).toMatchObject({ protocol, engine: name });
      const turn = session.prompt('ping');
      const events: AgentEvent[] = [];
      for await (const e of turn) events.push(e);
      expect((await turn.result).stopReason).toBe('end_turn');
      expect(events.map((e) => (e.type === 'text_delta' ? e.text : '')).join('')).toContain('You said: ping');
      const pid = session.pid!;
      await session.close();
      expect(processAndGroupGone(pid)).toBe(true);
    }
  });

  it('starts the builtin engine through its adapter with the configured base URL and model', async () => {
    s = sandbox();
    s.config({ builtin: { protocol: 'openai', base_url: 'http://127.0.0.1:9/v1', model: 'kimi-k2.5' } });
    const { config, sources } = await load(s);
    const session = await startEngineSession(resolveEngine('builtin', config, sources), {
      cwd: s.repo,
      env: { ...s.env, MOONSHOT_API_KEY: 'dummy' },
      approve: allow,
      mode: 'plan',
    });
    expect(session.info.protocol).toBe('builtin');
    expect(session.info.capabilities).toMatchObject({ baseUrl: 'http://127.0.0.1:9/v1', model: 'kimi-k2.5', readOnly: true });
    await session.close();
  });
});
