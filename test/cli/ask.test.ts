import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { askCommand } from '../../src/cli/commands/ask.js';
import type { CliContext } from '../../src/cli/context.js';
import { createLogger } from '../../src/runtime/logger.js';
import { resolvePaths } from '../../src/runtime/paths.js';
import { processAndGroupGone } from '../engines/acp/helpers.js';
import { FAKE_ACP, FAKE_WIRE, loggedPids, sandbox, type Sandbox } from '../engines/registry/helpers.js';
import { startModelServer } from '../fixtures/model-server/index.js';
import { runOmk } from '../helpers/cli.js';

let s: Sandbox | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  s?.cleanup();
  s = undefined;
});

/** A fake ACP agent engine called `fake` running `steps` for every prompt, logging to a file. */
function fakeAcp(box: Sandbox, steps: unknown[], extra = ''): string {
  const log = path.join(box.aux, 'agent.log');
  box.config({ fake: { protocol: 'acp', command: process.execPath, args: [FAKE_ACP, 'acp', '--scenario', box.scenario(steps), '--log', log] } }, extra);
  return log;
}

describe('omk ask with the builtin engine', () => {
  it('streams the scripted answer to stdout, read-only, and prints usage and cost to stderr', async () => {
    s = sandbox();
    const server = await startModelServer({
      scenario: {
        models: ['kimi-k2.6'],
        steps: [{ reasoning: 'Let me think about it.', content: 'The answer is 42.', chunk_size: 4, usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 20 } }],
      },
      port: 0,
    });
    closers.push(() => server.close());
    s.config({ builtin: { protocol: 'openai', base_url: server.url } }, '[defaults]\nengine = "builtin"\n');
    const r = await runOmk(['ask', 'What is the answer?'], { cwd: s.repo, env: { ...s.env, MOONSHOT_API_KEY: 'k' } });
    expect(r.stderr).toContain('usage: 100 in (20 cached) + 10 out tokens, exact; $0.0001 (builtin, kimi-k2.6)');
    expect(r.stdout).toBe('The answer is 42.\n');
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('Let me think');
    // Read-only: only the read tools are offered to the model.
    const body = server.requests[0]!.body as { tools: Array<{ function: { name: string } }>; model: string };
    expect(body.model).toBe('kimi-k2.6');
    expect(body.tools.map((t) => t.function.name).sort()).toEqual(['grep', 'list_dir', 'read_file']);

    server.setScenario({ steps: [{ reasoning: 'Thinking out loud.', content: 'Again 42.' }] });
    const thinking = await runOmk(['ask', 'again', '--engine', 'builtin', '--show-thinking', '--json'], { cwd: s.repo, env: { ...s.env, MOONSHOT_API_KEY: 'k' } });
    expect(thinking.stderr).toContain('Thinking out loud.');
    expect(JSON.parse(thinking.stdout)).toMatchObject({ engine: 'builtin', model: 'kimi-k2.6', stop_reason: 'end_turn', text: 'Again 42.', error: null, usage: { exact: true } });
  });

  it('exits 1 with the error when the model API fails', async () => {
    s = sandbox();
    const server = await startModelServer({ scenario: { steps: [{ status: 400, message: 'bad request from test' }] }, port: 0 });
    closers.push(() => server.close());
    s.config({ builtin: { protocol: 'openai', base_url: server.url, model: 'mock-kimi' } });
    const r = await runOmk(['ask', 'hi', '--engine', 'builtin'], { cwd: s.repo, env: { ...s.env, MOONSHOT_API_KEY: 'k' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/omk: the builtin engine stopped with error: .*bad request from test/);
    expect(r.stderr).toContain('cost unknown (no pricing: set [engines.builtin].pricing)');
  });
});

describe('omk ask with agents', () => {
  it('prints the answer of a fake ACP agent, with an estimated usage line', async () => {
    s = sandbox();
    fakeAcp(s, [{ think: 'hmm' }, { say: 'Fake agent says hello.' }]);
    const r = await runOmk(['ask', 'hello?', '--engine', 'fake'], { cwd: s.repo, env: s.env });
    expect(r.stdout).toBe('Fake agent says hello.\n');
    expect(r.stderr).toMatch(/usage: \d+ in \+ \d+ out tokens, estimated; cost unknown/);
    expect(r.status).toBe(0);
  });

  it('answers through a fake Wire agent', async () => {
    s = sandbox();
    s.config({ w: { protocol: 'wire', command: process.execPath, args: [FAKE_WIRE, '--scenario', s.scenario([{ echo: 'Wire heard: ' }])] } });
    const r = await runOmk(['ask', 'ping', '--engine', 'w'], { cwd: s.repo, env: s.env });
    expect(r.stdout).toBe('Wire heard: ping\n');
    expect(r.status).toBe(0);
  });

  it('runs read-only: a write the agent attempts is denied and the file is untouched', async () => {
    s = sandbox();
    const readme = path.join(s.repo, 'README.md');
    const before = readFileSync(readme, 'utf8');
    fakeAcp(s, [
      { edit: { path: 'README.md', content: 'overwritten\n' } },
      { edit: { path: 'new.txt', content: 'x' } },
    ]);
    const r = await runOmk(['ask', 'please change the readme', '--engine', 'fake'], { cwd: s.repo, env: s.env });
    expect(readFileSync(readme, 'utf8')).toBe(before);
    expect(existsSync(path.join(s.repo, 'new.txt'))).toBe(false);
    expect(r.stderr).toContain('· edit: Write');
    expect(r.stderr).toMatch(/· denied \(read-only\): .*\[plan:read-only\]/);
    expect(r.stdout).toContain('was denied');
    expect(r.status).toBe(0);
  });

  it('exits 1 naming the error when the agent answers the prompt with one', async () => {
    s = sandbox();
    fakeAcp(s, [{ error: { code: -32603, message: 'model overloaded in test' } }]);
    const r = await runOmk(['ask', 'x', '--engine', 'fake'], { cwd: s.repo, env: s.env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/omk: the fake engine stopped with error: .*model overloaded in test/);
  });

  it('says clearly when the default engine is not installed instead of falling back', async () => {
    s = sandbox();
    fakeAcp(s, [{ say: 'never asked' }]);
    const r = await runOmk(['ask', 'x'], { cwd: s.repo, env: s.env });
    expect(r.status).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the default engine `kimi` (defaults.engine) is not available: `kimi` is not on PATH');
    expect(r.stderr).toContain('npm i -g @moonshot-ai/kimi-code');
    expect(r.stderr).toContain('installed here: fake (use --engine NAME, or omk config set defaults.engine NAME)');
    const explicit = await runOmk(['ask', 'x', '--engine', 'codex'], { cwd: s.repo, env: s.env });
    expect(explicit.status).toBe(5);
    expect(explicit.stderr).toContain('engine `codex`: `codex-acp` is not on PATH');
    const unknown = await runOmk(['ask', 'x', '--engine', 'nope'], { cwd: s.repo, env: s.env });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown engine "nope"');
  });
});

describe('omk ask cancellation', () => {
  it('cancels the turn when the signal aborts mid-turn: exit 130 and no agent process left', async () => {
    s = sandbox();
    const log = fakeAcp(s, [{ say: 'Working on it.' }, { sleep_ms: 600000 }, { say: 'never said' }]);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const abort = new AbortController();
    // Abort once the first words have streamed out while the turn is still running.
    stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('Working on it.')) abort.abort(new Error('received SIGINT'));
    });
    const ctx: CliContext = {
      cwd: s.repo,
      env: s.env,
      paths: resolvePaths({ cwd: s.repo, env: s.env }),
      stdout,
      stderr,
      isTTY: false,
      log: createLogger({ level: 'silent' }),
      now: () => new Date(),
      signal: abort.signal,
      version: '0.0.0-test',
    };
    const status = await askCommand(ctx, 'do something slow', { engine: 'fake' });
    expect(status).toBe(130);
    expect(out).toContain('Working on it.');
    expect(out).not.toContain('never said');
    expect(err).toContain('omk: ask cancelled');
    const pids = loggedPids(log);
    expect(pids.length).toBe(1);
    expect(processAndGroupGone(pids[0]!)).toBe(true);
  });
});
