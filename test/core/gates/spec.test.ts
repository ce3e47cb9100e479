import { describe, expect, it } from 'vitest';
import {
  activeGates,
  DEFAULT_GATE_TIMEOUT_MS,
  gateSpecsFromConfig,
  normaliseGateCwd,
  selectGates,
  type GateSpec,
} from '../../../src/core/gates/spec.js';

describe('gateSpecsFromConfig', () => {
  it('applies the defaults: cwd ".", 10 minute timeout, required', () => {
    const { specs, problems } = gateSpecsFromConfig({ test: { command: 'npm test' } }, () => '/r/.omk/config.toml');
    expect(problems).toEqual([]);
    expect(specs).toEqual([
      {
        name: 'test',
        command: 'npm test',
        cwd: '.',
        timeoutMs: DEFAULT_GATE_TIMEOUT_MS,
        required: true,
        env: {},
        source: 'config',
        why: '[gates.test] in /r/.omk/config.toml',
      },
    ]);
    expect(DEFAULT_GATE_TIMEOUT_MS).toBe(600_000);
  });

  it('takes cwd, timeout, required and env as configured', () => {
    const { specs } = gateSpecsFromConfig({
      e2e: { command: 'make e2e', cwd: './web/', timeout: '1h30m', required: false, env: { CI: '1' } },
    });
    expect(specs[0]).toMatchObject({ cwd: 'web', timeoutMs: 90 * 60_000, required: false, env: { CI: '1' } });
  });

  it('reports gates with a cwd outside the repository, a bad name or an empty command, and keeps the rest', () => {
    const { specs, problems } = gateSpecsFromConfig({
      up: { command: 'x', cwd: '../other' },
      abs: { command: 'x', cwd: '/etc' },
      'bad name': { command: 'x' },
      empty: { command: '  ' },
      zero: { command: 'x', timeout: 0 },
      ok: { command: 'true' },
    });
    expect(specs.map((s) => s.name)).toEqual(['ok']);
    expect(problems.map((p) => p.gate).sort()).toEqual(['abs', 'bad name', 'empty', 'up', 'zero']);
  });
});

describe('normaliseGateCwd', () => {
  it.each([
    ['.', '.'],
    ['', '.'],
    ['a/./b/../c/', 'a/c'],
    ['a/..', '.'],
    ['..', undefined],
    ['a/../../b', undefined],
    ['/abs', undefined],
    ['C:\\x', undefined],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseGateCwd(input)).toBe(expected);
  });
});

describe('choosing gates', () => {
  const gate = (name: string, source: GateSpec['source']): GateSpec => ({
    name,
    command: name,
    cwd: '.',
    timeoutMs: 1,
    required: true,
    env: {},
    source,
    why: '',
  });

  it('configured gates win whole over detected ones', () => {
    expect(activeGates([gate('a', 'config')], [gate('test', 'detected')]).map((g) => g.name)).toEqual(['a']);
    expect(activeGates([], [gate('test', 'detected')]).map((g) => g.name)).toEqual(['test']);
  });

  it('selects by name in the order asked, and names the unknown', () => {
    const all = [gate('a', 'config'), gate('b', 'config'), gate('c', 'config')];
    expect(selectGates(all, [])).toEqual({ selected: all, unknown: [] });
    const picked = selectGates(all, ['c', 'a', 'zz', 'c']);
    expect(picked.selected.map((g) => g.name)).toEqual(['c', 'a']);
    expect(picked.unknown).toEqual(['zz']);
  });
});
