import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/core/config/resolve.js';
import { notifySettings, retryDelayMs } from '../../../src/core/notify/index.js';

const PROJECT = '/repo/.omk/config.toml';
const problemsOf = (notify: Record<string, unknown>): string[] =>
  resolveConfig({ project: { file: PROJECT, values: { notify } }, env: {} }).problems.map((p) => p.message);

describe('[notify] config', () => {
  it('resolves targets, their triggers (own or the default list) and the delivery limits; url_env is read from the environment', () => {
    const { values, problems } = resolveConfig({
      project: {
        file: PROJECT,
        values: {
          notify: {
            on: ['verdict', 'blocked_on_human'],
            timeout: '5s',
            retries: 1,
            retry_backoff: 0.5,
            approval_wait: '2m',
            targets: {
              hook: { kind: 'webhook', url: 'https://hooks.example.com/omk' },
              team: { kind: 'slack', url_env: 'SLACK_URL', on: 'needs_more_budget' },
              desk: { kind: 'desktop' },
            },
          },
        },
      },
      env: {},
    });
    expect(problems).toEqual([]);
    const s = notifySettings(values.notify, { SLACK_URL: ' https://hooks.slack.com/services/T/B/x ' });
    expect(s).toMatchObject({ timeoutMs: 5000, retries: 1, retryBackoffMs: 500, approvalWaitMs: 120_000 });
    expect(s.targets.map((t) => ({ name: t.name, kind: t.kind, url: t.url, on: [...t.on], problem: t.problem }))).toEqual([
      { name: 'hook', kind: 'webhook', url: 'https://hooks.example.com/omk', on: ['verdict', 'blocked_on_human'], problem: null },
      { name: 'team', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x', on: ['needs_more_budget'], problem: null },
      { name: 'desk', kind: 'desktop', url: null, on: ['verdict', 'blocked_on_human'], problem: null },
    ]);
  });

  it('defaults: no targets, every trigger, 10 s per attempt, 3 retries from 2 s; an unset url_env is a problem of that target only', () => {
    const { values } = resolveConfig({ env: {} });
    expect(notifySettings(values.notify, {})).toEqual({ targets: [], approvalWaitMs: 300_000, timeoutMs: 10_000, retries: 3, retryBackoffMs: 2000 });
    const s = notifySettings({ targets: { team: { kind: 'discord', url_env: 'NOPE' } } }, {});
    expect(s.targets[0]).toMatchObject({ url: null, problem: 'the environment variable NOPE named by notify.targets.team.url_env is not set' });
    expect([...s.targets[0]!.on]).toEqual(['verdict', 'blocked_on_human', 'needs_more_budget', 'approval_waiting']);
    expect(notifySettings({ targets: { t: { kind: 'webhook', url_env: 'U' } } }, { U: 'ftp://x' }).targets[0]!.problem).toMatch(/not an http\(s\) URL/);
  });

  it('names the file and key of a target without a kind, without a URL, with two, with a bad one, or a desktop with one', () => {
    const messages = problemsOf({
      targets: {
        a: { url: 'https://x.example' },
        b: { kind: 'slack' },
        c: { kind: 'discord', url: 'https://x.example', url_env: 'D' },
        d: { kind: 'webhook', url: 'hooks.example.com' },
        e: { kind: 'desktop', url: 'https://x.example' },
        f: { kind: 'webhook', url_env: 'not a name' },
        g: { kind: 'pager' },
      },
      on: ['verdict', 'sometimes'],
      retries: 11,
    });
    expect(messages).toEqual(
      expect.arrayContaining([
        `${PROJECT}: notify.targets.a.kind: expected one of "webhook", "slack", "discord", "desktop", found nothing (the key is missing)`,
        `${PROJECT}: notify.targets.b.url_env: expected the name of the environment variable holding the webhook URL (or \`url\`), found nothing (the key is missing)`,
        `${PROJECT}: notify.targets.c.url: expected one of \`url\` and \`url_env\`, not both, found both`,
        `${PROJECT}: notify.targets.d.url: expected an http(s) URL such as "https://hooks.example.com/omk", found "hooks.example.com"`,
        `${PROJECT}: notify.targets.e.url: expected no URL for kind = "desktop" (it notifies this machine), found "https://x.example"`,
        `${PROJECT}: notify.targets.f.url_env: expected an environment variable name such as "OMK_SLACK_WEBHOOK", found "not a name"`,
      ]),
    );
    expect(messages.some((m) => m.startsWith(`${PROJECT}: notify.targets.g.kind: expected one of "webhook"`))).toBe(true);
    // An unknown kind is one problem, not also a missing URL.
    expect(messages.filter((m) => m.includes('notify.targets.g.'))).toHaveLength(1);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: notify.on`))).toBe(true);
    expect(messages.some((m) => m.startsWith(`${PROJECT}: notify.retries: expected an integer from 0 to 10`))).toBe(true);
  });

  it('backs off by doubling, capped at five minutes', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 2000))).toEqual([2000, 4000, 8000, 16000]);
    expect(retryDelayMs(30, 2000)).toBe(300_000);
  });
});
