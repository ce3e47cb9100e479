import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { BUILT, isRunning, runOmkChild, until } from '../goal/cli-child.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from '../goal/sample-repo.js';
import { refusedPort, startReceiver, type Receiver } from './receiver.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
interface LoggedEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

/** Shaped like an API key, so every redaction layer knows it. */
const SECRET = 'sk-proj-NOTIFYsecret1234567890abcd';
const UNTESTABLE = `make it better (the staging key is ${SECRET})`;
const EDIT = { tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] };

describe('notifications from a real goal run', () => {
  let repo: SampleRepo;
  let model: Server | undefined;
  const receivers: Receiver[] = [];
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    await model?.close();
    model = undefined;
    for (const r of receivers.splice(0)) await r.close();
    repo.cleanup();
  });

  const receiver = async (answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> => {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  };
  const events = (goalId: string): LoggedEvent[] =>
    readFileSync(path.join(repo.root, '.omk', 'goals', goalId, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LoggedEvent);
  const verdictSeq = (log: LoggedEvent[], status: string): number => log.find((e) => e.type === 'goal.status_changed' && e.payload.to === status)!.seq;
  async function runGoal(goal: string, notifyToml: string, opts: { steps?: unknown[]; args?: string[]; env?: Record<string, string> } = {}) {
    model = await startModelServer({ scenario: { name: 'notify', steps: (opts.steps ?? [planStep()]) as never } });
    repo.writeConfig(`${builtinConfig(model.url)}\n${notifyToml}`);
    const r = await runOmk(['goal', 'run', goal, '--json', ...(opts.args ?? [])], { cwd: repo.root, env: { ...repo.env, ...opts.env } });
    const out = JSON.parse(r.stdout) as { goal_id: string; status: string; proof: string | null };
    return { ...r, out, log: events(out.goal_id) };
  }

  it('blocked_on_human reaches a JSON webhook, Slack and Discord in their shapes; the secret in the goal text and the Slack URL never leave', async () => {
    const r = await receiver();
    const slackUrl = `${r.url}/slack/T0001/B0001/hookSecretPath`;
    const run = await runGoal(
      UNTESTABLE,
      [
        '[notify.targets.hook]',
        'kind = "webhook"',
        `url = "${r.url}/json"`,
        '[notify.targets.team]',
        'kind = "slack"',
        'url_env = "OMK_TEST_SLACK_URL"',
        '[notify.targets.chat]',
        'kind = "discord"',
        `url = "${r.url}/discord"`,
        '',
      ].join('\n'),
      { env: { OMK_TEST_SLACK_URL: slackUrl } },
    );
    expect(run.status, run.stderr).toBe(3);
    expect(run.out.status).toBe('blocked_on_human');
    const id = run.out.goal_id;
    expect(r.received.map((q) => q.path).sort()).toEqual(['/discord', '/json', '/slack/T0001/B0001/hookSecretPath']);
    for (const q of r.received) {
      expect(q.method).toBe('POST');
      expect(q.contentType).toBe('application/json');
      expect(q.body).not.toContain(SECRET);
    }
    const byPath = (p: string) => r.received.find((q) => q.path.startsWith(p))!.json as Record<string, unknown>;

    const json = byPath('/json');
    expect(json).toMatchObject({ version: 1, source: 'omk', trigger: 'blocked_on_human', goal_id: id, status: 'blocked_on_human', next: `omk goal status ${id}`, repository: 'repo' });
    expect(json.question).toMatch(/how will we know it works/);
    expect(json.detail).toBe(json.question);
    expect(json.title).toBe('make it better (the staging key is [REDACTED])');

    const slack = byPath('/slack') as { text: string; blocks: Array<{ type: string; text?: { type: string; text: string }; elements?: unknown[] }> };
    expect(slack.text).toBe(`omk goal ${id} is blocked: it needs an answer from a person`);
    expect(slack.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(slack.blocks[0]!.text).toMatchObject({ type: 'mrkdwn' });
    expect(slack.blocks[0]!.text!.text).toMatch(/how will we know it works/);

    const discord = byPath('/discord') as { content: string; allowed_mentions: unknown; embeds: Array<{ title: string; description: string; fields: Array<{ name: string; value: string }> }> };
    expect(discord.content).toBe(slack.text);
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.embeds[0]!.description).toMatch(/how will we know it works/);
    expect(discord.embeds[0]!.fields.find((f) => f.name === 'Status')!.value).toBe('blocked_on_human');

    // Each outcome is recorded after the verdict it reports, naming the target, never its URL.
    const seq = verdictSeq(run.log, 'blocked_on_human');
    const delivered = run.log.filter((e) => e.type === 'notify.delivered');
    expect(delivered.map((e) => e.payload.target).sort()).toEqual(['chat', 'hook', 'team']);
    for (const e of delivered) expect(e).toMatchObject({ payload: { trigger: 'blocked_on_human', trigger_seq: seq, attempts: 1 } });
    expect(Math.min(...delivered.map((e) => e.seq))).toBeGreaterThan(seq);
    expect(JSON.stringify(run.log)).not.toContain('hookSecretPath');
  });

  it('a ready verdict carries the proof readiness; a target listening only for blocked_on_human hears nothing', async () => {
    const r = await receiver();
    const only = await receiver();
    const run = await runGoal(
      'fix the failing test in math.js',
      ['[notify.targets.hook]', 'kind = "webhook"', `url = "${r.url}/hook"`, '[notify.targets.pager]', 'kind = "webhook"', `url = "${only.url}/pager"`, 'on = ["blocked_on_human"]', ''].join('\n'),
      { steps: [planStep(), EDIT, { content: 'Fixed.' }] },
    );
    expect(run.status, run.stderr).toBe(0);
    const proof = JSON.parse(readFileSync(run.out.proof!, 'utf8')) as { readiness: string };
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.json).toMatchObject({ trigger: 'verdict', status: 'ready', readiness: proof.readiness, detail: proof.readiness, gaps: [], next: `omk goal proof ${run.out.goal_id}` });
    expect(only.received).toHaveLength(0);
    expect(run.log.filter((e) => e.type.startsWith('notify.')).map((e) => e.payload.target)).toEqual(['hook']);
  });

  it('needs_more_budget says which budget ran out', async () => {
    const r = await receiver();
    const costly = { ...EDIT, usage: { prompt_tokens: 300_000, completion_tokens: 10 } };
    const run = await runGoal('fix the failing test in math.js', ['[notify.targets.hook]', 'kind = "webhook"', `url = "${r.url}/hook"`, ''].join('\n'), {
      steps: [planStep(), costly, EDIT, { content: 'Fixed.' }],
      args: ['--budget-tokens', '200k'],
    });
    expect(run.status, run.stderr).toBe(4);
    expect(r.received).toHaveLength(1);
    const body = r.received[0]!.json as { trigger: string; budget: { dimension: string }; detail: string; next: string };
    expect(body).toMatchObject({ trigger: 'needs_more_budget', status: 'needs_more_budget', budget: { dimension: 'tokens' }, next: `omk goal budget-add ${run.out.goal_id} --tokens N` });
    expect(body.detail).toMatch(/^budget exhausted \(tokens\)/);

    // budget-add resumes the goal in this process: its verdict is sent, the earlier stop is not sent again.
    const more = await runOmk(['goal', 'budget-add', run.out.goal_id, '--tokens', '1m'], { cwd: repo.root, env: repo.env });
    expect(more.status, more.stderr).toBe(0);
    expect(r.received.map((q) => (q.json as { trigger: string; status: string }).status)).toEqual(['needs_more_budget', 'ready']);
    const log = events(run.out.goal_id);
    expect(log.filter((e) => e.type === 'notify.delivered').map((e) => e.payload.trigger_seq)).toEqual([verdictSeq(log, 'needs_more_budget'), verdictSeq(log, 'ready')]);
  });

  it('a refused and a hanging webhook do not change the goal: its verdict is committed first, retries and failures are recorded after it', async () => {
    const baseline = await runGoal(UNTESTABLE, '');
    const hanging = await receiver(() => 'hang');
    const port = await refusedPort();
    const run = await runGoal(
      UNTESTABLE,
      [
        '[notify]',
        'timeout = 0.3',
        'retries = 1',
        'retry_backoff = 0.05',
        '[notify.targets.down]',
        'kind = "webhook"',
        `url = "http://127.0.0.1:${port}/hook"`,
        '[notify.targets.slow]',
        'kind = "slack"',
        `url = "${hanging.url}/slack"`,
        '',
      ].join('\n'),
    );
    expect(run.status).toBe(baseline.status);
    expect(run.out.status).toBe(baseline.out.status);
    // The same goal, event for event, with the notification outcomes after it.
    const goalTypes = (log: LoggedEvent[]) => log.filter((e) => !e.type.startsWith('notify.')).map((e) => e.type);
    expect(goalTypes(run.log)).toEqual(goalTypes(baseline.log));
    const seq = verdictSeq(run.log, 'blocked_on_human');
    const notify = run.log.filter((e) => e.type.startsWith('notify.'));
    expect(Math.min(...notify.map((e) => e.seq))).toBeGreaterThan(seq);
    const of = (target: string) => notify.filter((e) => e.payload.target === target).map((e) => ({ type: e.type, ...e.payload }));
    expect(of('down')).toMatchObject([
      { type: 'notify.attempt_failed', attempt: 1, error: `http://127.0.0.1:${port}: connection refused`, retry_in_ms: 50, trigger_seq: seq },
      { type: 'notify.failed', attempts: 2, retryable: true, error: `http://127.0.0.1:${port}: connection refused` },
    ]);
    expect(of('slow')).toMatchObject([
      { type: 'notify.attempt_failed', attempt: 1, error: `no answer from ${hanging.url} within 300 ms` },
      { type: 'notify.failed', attempts: 2, retryable: true },
    ]);
    expect(hanging.received).toHaveLength(2);
  });

  it.skipIf(!BUILT)('a detached controller notifies too (real CLI child; needs npm run build)', { timeout: 60_000 }, async () => {
    const r = await receiver();
    model = await startModelServer({ scenario: { name: 'notify', steps: [planStep()] } });
    repo.writeConfig(`${builtinConfig(model.url)}\n[notify.targets.hook]\nkind = "webhook"\nurl = "${r.url}/hook"\n`);
    const run = await runOmkChild(['goal', 'run', UNTESTABLE, '--detach', '--json'], repo.root, repo.env);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { goal_id: string; pid: number };
    await r.waitFor(1);
    expect(r.received[0]!.json).toMatchObject({ trigger: 'blocked_on_human', goal_id: doc.goal_id });
    expect(await until(() => !isRunning(doc.pid), 20_000)).toBe(true);
    expect(events(doc.goal_id).filter((e) => e.type === 'notify.delivered')).toHaveLength(1);
  });

  it('desktop notifications run notify-send when it is on PATH, and fail once, recorded, when it is not', async () => {
    const bin = path.join(repo.home, 'bin');
    mkdirSync(bin);
    const argsFile = path.join(repo.home, 'notify-send.args');
    writeFileSync(path.join(bin, 'notify-send'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${argsFile}'\n`);
    chmodSync(path.join(bin, 'notify-send'), 0o755);
    const toml = ['[notify.targets.desk]', 'kind = "desktop"', ''].join('\n');

    const shown = await runGoal(UNTESTABLE, toml, { env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` } });
    const args = readFileSync(argsFile, 'utf8').split('\n');
    expect(args.slice(0, 3)).toEqual(['--app-name=omk', '--', `omk goal ${shown.out.goal_id} is blocked: it needs an answer from a person`]);
    expect(args.join('\n')).not.toContain(SECRET);
    expect(shown.log.filter((e) => e.type === 'notify.delivered')).toMatchObject([{ payload: { target: 'desk', kind: 'desktop', detail: 'notify-send' } }]);

    const missing = await runGoal(UNTESTABLE, toml);
    expect(missing.out.status).toBe('blocked_on_human');
    expect(missing.log.filter((e) => e.type.startsWith('notify.'))).toMatchObject([
      { type: 'notify.failed', payload: { target: 'desk', attempts: 1, retryable: false, error: expect.stringMatching(/^notify-send was not found on PATH/) as unknown } },
    ]);
  });
});
