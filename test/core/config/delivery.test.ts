import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/core/config/resolve.js';
import { deliverySettings } from '../../../src/runtime/goal-delivery/settings.js';

const PROJECT = '/repo/.omk/config.toml';

describe('[delivery] config', () => {
  it('takes remote, base, repository, API URL and required checks; flags override them', () => {
    const { values, problems } = resolveConfig({
      project: {
        file: PROJECT,
        values: {
          defaults: { merge_policy: 'gated' },
          delivery: { remote: 'upstream', base: 'develop', repository: 'acme/widgets', github_api_url: 'http://127.0.0.1:9/', required_checks: ['ci', 'lint'] },
        },
      },
      env: {},
    });
    expect(problems).toEqual([]);
    expect(deliverySettings(values)).toEqual({
      remote: 'upstream',
      base: 'develop',
      github: { owner: 'acme', repo: 'widgets', apiBaseUrl: 'http://127.0.0.1:9' },
      requiredChecks: ['ci', 'lint'],
      mergePolicy: 'gated',
    });
    expect(deliverySettings(values, { remote: 'origin', base: 'main', policy: 'manual' })).toMatchObject({ remote: 'origin', base: 'main', mergePolicy: 'manual' });
  });

  it('defaults to origin, the goal base, no checks and defaults.merge_policy', () => {
    const { values } = resolveConfig({ env: {} });
    expect(deliverySettings(values)).toEqual({ remote: 'origin', base: undefined, github: {}, requiredChecks: [], mergePolicy: 'disabled' });
    expect(() => deliverySettings(values, { policy: 'yolo' })).toThrow(/--policy must be one of disabled, manual, gated/);
  });

  it('reports a malformed repository, API URL or checks list by file and key', () => {
    const { problems } = resolveConfig({
      project: { file: PROJECT, values: { delivery: { repository: 'widgets', github_api_url: 'api.github.com', required_checks: 'ci', token: 'x' } } },
      env: {},
    });
    const messages = problems.map((p) => p.message);
    expect(messages).toContain(`${PROJECT}: delivery.repository: expected a GitHub repository as "OWNER/REPO", found "widgets"`);
    expect(messages).toContain(`${PROJECT}: delivery.github_api_url: expected an http(s) URL such as "https://api.github.com", found "api.github.com"`);
    expect(messages).toContain(`${PROJECT}: delivery.required_checks: expected an array of strings, found "ci"`);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: delivery.token: expected one of the keys`))).toBe(true);
  });
});
