import { describe, expect, it } from 'vitest';
import { isOverrideVariable, overridePath, parseEnvOverrides } from '../../../src/core/config/env-overrides.js';
import { parseKey, formatKey } from '../../../src/core/config/keys.js';
import { mergeLayers } from '../../../src/core/config/merge.js';

describe('OMK_* overrides', () => {
  it('only variables with "__" are overrides', () => {
    expect(isOverrideVariable('OMK_DEFAULTS__ENGINE')).toBe(true);
    expect(isOverrideVariable('OMK_LOG_LEVEL')).toBe(false);
    expect(isOverrideVariable('OMK_DEBUG')).toBe(false);
    expect(isOverrideVariable('XOMK_A__B')).toBe(false);
  });

  it('lower-cases path segments except names inside env tables', () => {
    expect(overridePath('OMK_ENGINES__KIMI__MODEL')).toEqual(['engines', 'kimi', 'model']);
    expect(overridePath('OMK_GATES__TEST__ENV__CI')).toEqual(['gates', 'test', 'env', 'CI']);
    expect(overridePath('OMK_A____B')).toBeUndefined();
  });

  it('parses TOML values when they parse and keeps text otherwise', () => {
    const { values, variables, problems } = parseEnvOverrides({
      OMK_DEFAULTS__MAX_AGENTS: '4',
      OMK_GATES__T__REQUIRED: 'true',
      OMK_DEFAULTS__ENGINE: 'kimi',
      OMK_BUDGET__USD: '2.5',
      OMK_WORKTREES__ROOT: '2024-01-01', // a TOML date, but dates are not config values
      OMK_OTHER: 'ignored',
    });
    expect(problems).toEqual([]);
    expect(values).toEqual({
      defaults: { max_agents: 4, engine: 'kimi' },
      gates: { t: { required: true } },
      budget: { usd: 2.5 },
      worktrees: { root: '2024-01-01' },
    });
    expect(variables.get('defaults.max_agents')).toBe('OMK_DEFAULTS__MAX_AGENTS');
  });

  it('reports a variable with an empty segment', () => {
    const { problems } = parseEnvOverrides({ OMK_DEFAULTS____X: '1' });
    expect(problems[0]?.message).toMatch(/^OMK_DEFAULTS____X: expected a name like OMK_SECTION__KEY/);
  });
});

describe('keys and merge', () => {
  it('round-trips quoted key segments', () => {
    const path = ['engines', 'my.engine', 'model'];
    expect(formatKey(path)).toBe('engines."my.engine".model');
    expect(parseKey(formatKey(path))).toEqual(path);
    expect(parseKey('a..b')).toBeUndefined();
  });

  it('drops sources of a table replaced by a scalar in a later layer', () => {
    const { values, sources } = mergeLayers([
      { source: { layer: 'user', file: 'u' }, values: { a: { b: 1, c: 2 } } },
      { source: { layer: 'project', file: 'p' }, values: { a: 3 } },
    ]);
    expect(values).toEqual({ a: 3 });
    expect([...sources.keys()]).toEqual(['a']);
  });
});
