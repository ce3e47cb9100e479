import { describe, expect, it } from 'vitest';
import { gateCacheKey } from '../../../src/core/gates/cache-key.js';
import { classifyOutcome, describeRun, isCacheable, summariseGateRuns, type GateEvidence } from '../../../src/core/gates/evidence.js';

const end = { exitCode: 0 as number | null, signal: null as string | null, timedOut: false, canceled: false };

describe('classifyOutcome', () => {
  it.each([
    [{ ...end }, 'passed'],
    [{ ...end, exitCode: 1 }, 'failed'],
    [{ ...end, exitCode: 2 }, 'failed'],
    [{ ...end, exitCode: 127 }, 'infra_error'],
    [{ ...end, exitCode: 126 }, 'infra_error'],
    [{ ...end, exitCode: null, signal: 'SIGKILL' }, 'infra_error'],
    [{ ...end, exitCode: null, spawnError: { code: 'ENOENT', message: 'no' } }, 'infra_error'],
    [{ ...end, exitCode: null, signal: 'SIGTERM', timedOut: true }, 'timed_out'],
    [{ ...end, exitCode: null, signal: 'SIGTERM', canceled: true }, 'canceled'],
  ] as const)('%j -> %s', (input, outcome) => {
    expect(classifyOutcome(input)).toBe(outcome);
  });

  it('caches only outcomes that belong to the tree', () => {
    expect(['passed', 'failed', 'infra_error', 'timed_out', 'canceled', 'breaker_open'].filter((o) => isCacheable(o as never))).toEqual([
      'passed',
      'failed',
    ]);
  });
});

describe('gateCacheKey', () => {
  const base = { treeSha: 'a'.repeat(40), command: 'npm test', cwd: '.', env: { PATH: '/bin', CI: 'true' } };

  it('is stable whatever the env key order', () => {
    expect(gateCacheKey(base)).toBe(gateCacheKey({ ...base, env: { CI: 'true', PATH: '/bin' } }));
    expect(gateCacheKey(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['tree', { treeSha: 'b'.repeat(40) }],
    ['command', { command: 'npm test -- --bail' }],
    ['cwd', { cwd: 'web' }],
    ['env', { env: { PATH: '/usr/bin', CI: 'true' } }],
  ])('changes with the %s', (_what, change) => {
    expect(gateCacheKey({ ...base, ...change })).not.toBe(gateCacheKey(base));
  });
});

describe('summaries', () => {
  const run = (name: string, passed: boolean, required = true, cached = false): GateEvidence =>
    ({ name, passed, required, cached, outcome: passed ? 'passed' : 'failed', exit_code: passed ? 0 : 1, duration_ms: 1234, timeout_ms: 1000 }) as GateEvidence;

  it('passes when every required gate passed; optional failures are reported, not blocking', () => {
    expect(summariseGateRuns([run('a', true), run('b', false, false, true)])).toEqual({
      passed: true,
      total: 2,
      passed_count: 1,
      failed: [],
      optional_failed: ['b'],
      cached: 1,
    });
    expect(summariseGateRuns([run('a', true), run('b', false)]).failed).toEqual(['b']);
  });

  it('an empty set does not pass', () => {
    expect(summariseGateRuns([]).passed).toBe(false);
  });

  it('describes a run in one line', () => {
    expect(describeRun(run('test', true, true, true))).toBe('PASS test 1.2s (cached)');
    expect(describeRun(run('lint', false, false))).toBe('fail lint exit 1 1.2s [optional]');
  });
});
