import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/core/config/resolve.js';

const PROJECT = '/repo/.omk/config.toml';
const resolve = (defaults: Record<string, unknown>, engines: Record<string, unknown> = {}) =>
  resolveConfig({ project: { file: PROJECT, values: { defaults, engines } }, env: {} });

describe('defaults.reviewer_engine', () => {
  it('is absent by default (the goal engine reviews) and takes a preset, a configured engine or "none"', () => {
    expect(resolveConfig({ env: {} }).values.defaults.reviewer_engine).toBeUndefined();
    for (const name of ['builtin', 'critic', 'none']) {
      const { values, problems } = resolve({ reviewer_engine: name }, { critic: { protocol: 'acp', command: 'critic' } });
      expect(problems, name).toEqual([]);
      expect(values.defaults.reviewer_engine).toBe(name);
    }
    expect(resolveConfig({ env: { OMK_DEFAULTS__REVIEWER_ENGINE: 'none' } }).values.defaults.reviewer_engine).toBe('none');
  });

  it('refuses an unknown engine, naming the file, the key and the choices', () => {
    const [problem, ...rest] = resolve({ reviewer_engine: 'nope' }).problems.map((p) => p.message);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^\/repo\/\.omk\/config\.toml: defaults\.reviewer_engine: expected the name of a configured engine \(.*"builtin".*\) or "none", found "nope"$/);
  });
});
