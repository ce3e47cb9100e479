import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/core/config/resolve.js';
import { parseDuration } from '../../../src/core/config/duration.js';

const USER = '/home/u/.config/omk/config.toml';
const PROJECT = '/repo/.omk/config.toml';

describe('resolveConfig', () => {
  it('gives the built-in defaults with no files and no variables', () => {
    const { values, sources, problems } = resolveConfig({ env: {} });
    expect(problems).toEqual([]);
    expect(values.defaults).toEqual({ engine: 'kimi', max_agents: 1, policy: 'local', merge_policy: 'disabled', approval: 'auto' });
    expect(values.engines.kimi).toEqual({ protocol: 'acp', command: 'kimi', args: ['acp'] });
    expect(sources.get('defaults.engine')).toEqual({ layer: 'default' });
  });

  it('applies user < project < env and records where each leaf came from', () => {
    const { values, sources, problems } = resolveConfig({
      user: { file: USER, values: { defaults: { max_agents: 2, policy: 'draft-pr' }, engines: { kimi: { args: ['a', 'b'] } } } },
      project: { file: PROJECT, values: { defaults: { max_agents: 3 }, engines: { kimi: { args: ['c'] } } } },
      env: { OMK_DEFAULTS__MAX_AGENTS: '4', OMK_LOG_LEVEL: 'debug', OMK_DEBUG: '1' },
    });
    expect(problems).toEqual([]);
    expect(values.defaults.max_agents).toBe(4);
    expect(values.defaults.policy).toBe('draft-pr');
    expect(values.engines.kimi?.args).toEqual(['c']); // arrays replace, never concatenate
    expect(values.engines.kimi?.command).toBe('kimi'); // tables merge
    expect(sources.get('defaults.max_agents')).toEqual({ layer: 'env', variable: 'OMK_DEFAULTS__MAX_AGENTS' });
    expect(sources.get('defaults.policy')).toEqual({ layer: 'user', file: USER });
    expect(sources.get('engines.kimi.args')).toEqual({ layer: 'project', file: PROJECT });
    expect(values.log.level).toBe('warn'); // OMK_LOG_LEVEL has no "__": not an override
  });

  it('types env values by TOML, and keeps string keys as strings', () => {
    const { values, problems } = resolveConfig({
      env: {
        OMK_ENGINES__KIMI__ARGS: '["acp", "--verbose"]',
        OMK_ENGINES__KIMI__MODEL: '1234',
        OMK_ENGINES__KIMI__ENV__Kimi_Home: '/tmp/k',
        OMK_GATES__TEST__COMMAND: 'npm test',
        OMK_GATES__TEST__REQUIRED: 'false',
        OMK_BUDGET__TIME: '1h30m',
      },
    });
    expect(problems).toEqual([]);
    expect(values.engines.kimi?.args).toEqual(['acp', '--verbose']);
    expect(values.engines.kimi?.model).toBe('1234');
    expect(values.engines.kimi?.env).toEqual({ Kimi_Home: '/tmp/k' });
    expect(values.gates.test).toEqual({ command: 'npm test', required: false });
    expect(values.budget.time).toBe('1h30m');
  });

  it('names file, key, expected and found for a wrong type', () => {
    const { problems } = resolveConfig({ user: { file: USER, values: { defaults: { max_agents: 'four' } } }, env: {} });
    expect(problems.map((p) => p.message)).toEqual([
      `${USER}: defaults.max_agents: expected an integer from 1 to 64, found "four"`,
    ]);
    expect(problems[0]).toMatchObject({ file: USER, key: 'defaults.max_agents', found: '"four"' });
  });

  it('reports out-of-range numbers, bad enums, bad durations and unknown keys', () => {
    const { problems } = resolveConfig({
      project: {
        file: PROJECT,
        values: {
          defaults: { max_agents: 65, policy: 'yolo', colour: 'red' },
          budget: { time: '2 hours', usd: -1 },
          dashboard: { port: 1.5 },
          extra: {},
        },
      },
      env: {},
    });
    const messages = problems.map((p) => p.message);
    expect(messages).toContain(`${PROJECT}: defaults.max_agents: expected an integer from 1 to 64, found 65`);
    expect(messages).toContain(`${PROJECT}: defaults.policy: expected one of "local", "draft-pr", "auto-pr", found "yolo"`);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: defaults.colour: expected one of the keys engine,`))).toBe(true);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: budget.time: expected a duration`) && m.endsWith('found "2 hours"'))).toBe(true);
    expect(messages).toContain(`${PROJECT}: budget.usd: expected a non-negative number, found -1`);
    expect(messages).toContain(`${PROJECT}: dashboard.port: expected an integer from 1 to 65535, found 1.5`);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: extra: expected one of the keys defaults,`))).toBe(true);
  });

  it('names the variable for a bad override', () => {
    const { problems } = resolveConfig({ env: { OMK_DEFAULTS__MAX_AGENTS: 'four', OMK_NOPE__X: '1' } });
    const messages = problems.map((p) => p.message);
    expect(messages).toContain('OMK_DEFAULTS__MAX_AGENTS: defaults.max_agents: expected an integer from 1 to 64, found "four"');
    expect(messages.some((m) => m.startsWith('OMK_NOPE__X: nope: expected one of the keys'))).toBe(true);
    expect(problems.find((p) => p.key === 'defaults.max_agents')?.variable).toBe('OMK_DEFAULTS__MAX_AGENTS');
  });

  it('rejects a literal API key anywhere, without echoing it', () => {
    const key = 'sk-abcdefghijklmnopqrstuvwx';
    const { problems } = resolveConfig({
      user: { file: USER, values: { engines: { builtin: { env: { MOONSHOT_API_KEY: key } }, kimi: { args: [key] } } } },
      env: {},
    });
    expect(problems).toHaveLength(2);
    for (const problem of problems) {
      expect(problem.message).toContain('api_key_env');
      expect(problem.message).not.toContain(key);
    }
    expect(problems.map((p) => p.key).sort()).toEqual(['engines.builtin.env.MOONSHOT_API_KEY', 'engines.kimi.args']);
  });

  it('checks required and protocol-specific engine fields on the merged config', () => {
    const { problems } = resolveConfig({
      user: { file: USER, values: { engines: { codex: { model: 'x' }, claude: { protocol: 'acp', base_url: 'http://x' }, builtin: { protocol: 'openai', serve_fs: false } } } },
      project: { file: PROJECT, values: { gates: { lint: { cwd: '.' } }, defaults: { engine: 'missing' } } },
      env: {},
    });
    const messages = problems.map((p) => p.message);
    expect(messages).toContain(`${USER}: engines.codex.protocol: expected one of "acp", "wire", "openai", found nothing (the key is missing)`);
    expect(messages.some((m) => m.startsWith(`${USER}: engines.claude.command: expected the agent's executable`))).toBe(true);
    expect(messages).toContain(`${USER}: engines.claude.base_url: expected this key only with protocol = "openai", found protocol "acp"`);
    expect(messages).toContain(`${USER}: engines.builtin.serve_fs: expected this key only with protocol = "acp", found protocol "openai"`);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: gates.lint.command: expected a shell command`))).toBe(true);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: defaults.engine: expected the name of a configured engine`))).toBe(true);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    [600, 600_000],
  ] as const)('%s → %i ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', '2 hours', 'h', '1.5h', -1, true])('rejects %s', (input) => expect(parseDuration(input)).toBeUndefined());
});
