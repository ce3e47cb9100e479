import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../helpers/cli.js';
import { sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';
import { refusedPort, startReceiver, type Receiver } from '../runtime/notify/receiver.js';

describe('omk notify test', () => {
  let repo: SampleRepo;
  let r: Receiver | undefined;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    await r?.close();
    r = undefined;
    repo.cleanup();
  });
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: { ...repo.env, OMK_TEST_HOOK: r ? `${r.url}/discord/123/tokenpart` : undefined } });

  it('sends one test notification per target and reports each; a refused target fails the command (exit 1) without a retry', async () => {
    r = await startReceiver();
    const port = await refusedPort();
    repo.writeConfig(
      [
        '[notify.targets.chat]',
        'kind = "discord"',
        'url_env = "OMK_TEST_HOOK"',
        '[notify.targets.down]',
        'kind = "webhook"',
        `url = "http://127.0.0.1:${port}/x"`,
        'on = ["verdict"]',
        '[notify.targets.desk]',
        'kind = "desktop"',
        '',
      ].join('\n'),
    );
    const res = await omk('notify', 'test', '--json');
    expect(res.status, res.stderr).toBe(1);
    const out = JSON.parse(res.stdout) as { ok: boolean; results: Array<Record<string, unknown>> };
    expect(out.ok).toBe(false);
    expect(out.results).toEqual([
      { target: 'chat', kind: 'discord', where: r.url, ok: true, detail: `HTTP 200 from ${r.url}`, retryable: false },
      { target: 'down', kind: 'webhook', where: `http://127.0.0.1:${port}`, ok: false, detail: `http://127.0.0.1:${port}: connection refused`, retryable: true },
      { target: 'desk', kind: 'desktop', where: 'desktop', ok: false, detail: expect.stringMatching(/^notify-send was not found on PATH/) as unknown, retryable: false },
    ]);
    expect(r.received).toHaveLength(1);
    const body = r.received[0]!.json as { content: string; embeds: Array<{ description: string }> };
    expect(body.content).toBe('omk test notification: this target is reachable');
    expect(body.embeds[0]!.description).toBe('This target receives: verdict, blocked_on_human, needs_more_budget, approval_waiting (goals in repo).');
    expect(res.stdout).not.toContain('tokenpart');

    const one = await omk('notify', 'test', 'chat');
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toBe(`ok   chat (discord, ${r.url}): HTTP 200 from ${r.url}\n`);
  });

  it('names the fix when nothing is configured or a target name is unknown (exit 2)', async () => {
    const none = await omk('notify', 'test');
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no notification targets are configured/);
    expect(none.stderr).toMatch(/\[notify\.targets\.team\]/);
    repo.writeConfig('[notify.targets.desk]\nkind = "desktop"\n');
    const unknown = await omk('notify', 'test', 'pager');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no notification target named pager/);
    expect(unknown.stderr).toMatch(/configured: desk/);
  });
});
