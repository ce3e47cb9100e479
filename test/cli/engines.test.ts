import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { processAndGroupGone } from '../engines/acp/helpers.js';
import { FAKE_ACP, FAKE_WIRE, loggedPids, sandbox, type Sandbox } from '../engines/registry/helpers.js';
import { runOmk } from '../helpers/cli.js';

interface ListJson {
  default: string;
  engines: Array<{ name: string; protocol: string; command: string | null; args: string[]; base_url: string | null; model: string | null; source: string; configured_in: string[]; installed: boolean; path: string | null; default: boolean; pricing_source: string }>;
}
interface DoctorJson {
  ok: boolean;
  results: Array<{ engine: string; status: string; detail: string; fix?: string; check: string; agent?: { name: string; version?: string } }>;
}

let s: Sandbox | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  s?.cleanup();
  s = undefined;
});

describe('omk engines list', () => {
  it('lists presets and configured engines with protocol, command, source, installed and model (JSON)', async () => {
    s = sandbox();
    const bin = path.join(s.root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'codex-acp'), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(bin, 'codex-acp'), 0o755);
    s.config({ mine: { protocol: 'acp', command: process.execPath, args: [FAKE_ACP, 'acp'], model: 'kimi-k2.5' } });
    const r = await runOmk(['engines', 'list', '--json'], { cwd: s.repo, env: { ...s.env, PATH: `${bin}:${s.env.PATH}`, KIMI_API_KEY: 'dummy' } });
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as ListJson;
    expect(json.default).toBe('kimi');
    expect(json.engines.map((e) => e.name)).toEqual(['kimi', 'kimi-wire', 'codex', 'claude', 'gemini', 'builtin', 'mine']);
    const by = (n: string) => json.engines.find((e) => e.name === n)!;
    expect(by('kimi')).toMatchObject({ protocol: 'acp', command: 'kimi', args: ['acp'], source: 'preset', installed: false, default: true, path: null });
    expect(by('codex')).toMatchObject({ installed: true, path: path.join(bin, 'codex-acp') });
    expect(by('builtin')).toMatchObject({ protocol: 'openai', base_url: 'https://api.moonshot.ai/v1', model: 'kimi-k2.6', installed: true });
    expect(by('builtin').pricing_source).toContain('default for kimi-k2.6');
    expect(by('mine')).toMatchObject({ protocol: 'acp', command: process.execPath, source: 'config', configured_in: [s.userConfig], installed: true, model: 'kimi-k2.5' });
  });

  it('prints a table with the default engine marked', async () => {
    s = sandbox();
    const r = await runOmk(['engines', 'list'], { cwd: s.repo, env: s.env });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ENGINE\s+PROTOCOL\s+COMMAND \/ BASE URL\s+MODEL\s+SOURCE\s+INSTALLED$/);
    expect(lines.find((l) => l.startsWith('kimi *'))).toMatch(/acp\s+kimi acp\s+-\s+preset\s+no: `kimi` is not on PATH/);
    expect(lines.find((l) => l.startsWith('builtin'))).toMatch(/openai\s+https:\/\/api\.moonshot\.ai\/v1\s+kimi-k2\.6\s+preset\s+no: no API key/);
    expect(r.stdout).toContain('* default engine (defaults.engine = "kimi")');
  });
});

describe('omk engines doctor', () => {
  it('reports a fake ACP agent and a fake Wire agent that answer their handshakes, exit 0', async () => {
    s = sandbox();
    s.config({
      'fake-acp': { protocol: 'acp', command: process.execPath, args: [FAKE_ACP, 'acp'] },
      'fake-wire': { protocol: 'wire', command: process.execPath, args: [FAKE_WIRE] },
    });
    const r = await runOmk(['engines', 'doctor', 'fake-acp', 'fake-wire', '--json', '--timeout', '10s'], { cwd: s.repo, env: s.env });
    const json = JSON.parse(r.stdout) as DoctorJson;
    expect(json.results).toEqual([
      expect.objectContaining({ engine: 'fake-acp', status: 'ok', check: 'initialize + session/new', agent: expect.objectContaining({ name: 'fake-acp-agent', version: '0.1.0' }) }),
      expect.objectContaining({ engine: 'fake-wire', status: 'ok', check: 'initialize', agent: expect.objectContaining({ name: 'Kimi Code CLI', version: '0.0.0-fake' }) }),
    ]);
    expect(json.ok).toBe(true);
    expect(r.status).toBe(0);
  });

  it('reports a hanging agent as a handshake failure within the timeout, and a missing binary with its fix', async () => {
    s = sandbox();
    const log = path.join(s.aux, 'hang.log');
    s.config({
      hang: { protocol: 'acp', command: process.execPath, args: [FAKE_ACP, 'acp', '--fault', 'hang', '--log', log] },
      gone: { protocol: 'acp', command: '/nonexistent/agent-binary' },
    });
    const r = await runOmk(['engines', 'doctor', 'hang', 'gone', 'claude', '--timeout', '1s'], { cwd: s.repo, env: s.env });
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('failed') && l.includes('hang'))).toContain('no answer within 1000 ms');
    expect(lines.find((l) => l.startsWith('missing') && l.includes('gone'))).toContain('`/nonexistent/agent-binary` does not exist or is not executable');
    expect(lines.find((l) => l.startsWith('missing') && l.includes('claude'))).toContain('`claude-code-acp` is not on PATH');
    expect(r.stdout).toContain('fix: npm i -g @zed-industries/claude-code-acp');
    expect(r.stdout).toContain('engines doctor: 0 ok, 2 missing, 1 failed');
    // The hanging agent was stopped, not left behind.
    const pids = loggedPids(log);
    expect(pids).toHaveLength(1);
    expect(processAndGroupGone(pids[0]!)).toBe(true);
  });

  it('checks the builtin engine with GET /models against the model server', async () => {
    s = sandbox();
    const server = await startModelServer({ scenario: { api_key: 'test-key', models: ['kimi-k2.6', 'mock-kimi'], steps: [{ content: 'unused' }] }, port: 0 });
    closers.push(() => server.close());
    s.config({ builtin: { protocol: 'openai', base_url: server.url } });
    const ok = await runOmk(['engines', 'doctor', 'builtin', '--json'], { cwd: s.repo, env: { ...s.env, MOONSHOT_API_KEY: 'test-key' } });
    const json = JSON.parse(ok.stdout) as DoctorJson;
    expect(json.results[0]).toMatchObject({ engine: 'builtin', status: 'ok', check: 'GET /models' });
    expect(json.results[0]!.detail).toContain('2 models; kimi-k2.6 is listed');
    expect(ok.status).toBe(0);
    expect(server.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/models']);
    expect(ok.stdout).not.toContain('test-key');

    const refused = await runOmk(['engines', 'doctor', 'builtin'], { cwd: s.repo, env: { ...s.env, MOONSHOT_API_KEY: 'wrong-key' } });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/failed\s+builtin\s+GET .*\/models: HTTP 401 \(the key was refused\)/);
    expect(refused.stdout).toContain('fix: check the key in MOONSHOT_API_KEY');

    const noKey = await runOmk(['engines', 'doctor', 'builtin'], { cwd: s.repo, env: s.env });
    expect(noKey.status).toBe(1);
    expect(noKey.stdout).toMatch(/missing\s+builtin\s+no API key/);
  });

  it('with no names, exits 0 when at least one engine answers; an unknown name is a usage error', async () => {
    s = sandbox();
    s.config({ 'fake-acp': { protocol: 'acp', command: process.execPath, args: [FAKE_ACP, 'acp'] } });
    const all = await runOmk(['engines', 'doctor', '--json', '--timeout', '10s'], { cwd: s.repo, env: s.env });
    const json = JSON.parse(all.stdout) as DoctorJson;
    expect(json.results.map((r) => `${r.engine}:${r.status}`)).toEqual([
      'kimi:missing', 'kimi-wire:missing', 'codex:missing', 'claude:missing', 'gemini:missing', 'builtin:missing', 'fake-acp:ok',
    ]);
    expect(all.status).toBe(0);
    const unknown = await runOmk(['engines', 'doctor', 'nope'], { cwd: s.repo, env: s.env });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown engine "nope"; known engines: kimi, kimi-wire, codex, claude, gemini, builtin, fake-acp');
  });
});
