import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, resolvePaths, type AppContext } from '../../src/app/context.js';
import { runOmk } from '../helpers/cli.js';
import { BUILT } from '../runtime/goal/cli-child.js';
import { commitFiles, useFakeAgent } from '../runtime/goal/parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';
import { startDashboard, type Dashboard } from '../../src/web/server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so Host, Origin and Cookie are exactly what the test says (fetch would fix some of them). */
function send(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; until?: (body: string) => boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        // A stream never ends on its own: stop reading once the test has what it waits for.
        if (opts.until?.(body)) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** The dashboard against a repository with one finished goal (two tasks, a fake agent), served in-process. */
describe.skipIf(!BUILT)('omk dashboard over HTTP (needs npm run build: the page is served from dist/web)', () => {
  let repo: SampleRepo;
  let dash: Dashboard;
  let goalId: string;
  let cookie: string;
  let csrf: string;
  const abort = new AbortController();

  beforeAll(async () => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }, { id: 'part-b', write: ['b.js'] }], {
      'part-a ': [{ run: { command: 'printf "\\033[31mred\\033[0m <b>bold</b>"' } }, { edit: { path: 'a.js', content: "export const a = '<script>alert(1)</script>';\n" } }, { say: 'done' }],
      'part-b ': [{ edit: { path: 'b.js', content: 'export const b = 2;\n' } }, { say: 'done' }],
    });
    const run = await runOmk(['goal', 'run', 'do the work', '--json', '--max-agents', '2', '--budget-tokens', '10000000'], { cwd: repo.root, env: repo.env });
    goalId = (JSON.parse(run.stdout) as { goal_id: string }).goal_id;
    const ctx: AppContext = { cwd: repo.root, env: repo.env, paths: resolvePaths({ cwd: repo.root, env: repo.env }), log: createLogger({ level: 'silent', write: () => undefined }), now: () => new Date(), signal: abort.signal, version: '0.0.0-test' };
    dash = await startDashboard(ctx, {});
    const first = await send(dash.port, `/?token=${dash.token}`);
    expect(first.status).toBe(303);
    cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const page = await send(dash.port, '/', { headers: { cookie } });
    csrf = /name="omk-csrf" content="([0-9a-f]+)"/.exec(page.body)![1]!;
  }, 90_000);
  afterAll(async () => {
    abort.abort();
    await dash?.close();
    repo?.cleanup();
  });

  it('prints a 127.0.0.1 URL with the token; the token moves into an HttpOnly SameSite=Strict cookie and out of the address', async () => {
    expect(dash.url).toBe(`http://127.0.0.1:${dash.port}/?token=${dash.token}`);
    const r = await send(dash.port, `/goals/${goalId}?token=${dash.token}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`/goals/${goalId}`);
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    const page = await send(dash.port, `/goals/${goalId}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('/assets/app.js?v=');
  });

  it('refuses with 403 and a reason: no token, a wrong one, a foreign Host (DNS rebinding), a foreign Origin, a change without the CSRF token', async () => {
    const cases: Array<[string, Promise<Reply>, RegExp]> = [
      ['no token', send(dash.port, `/api/goals/${goalId}`), /no access token/],
      ['wrong token', send(dash.port, `/api/goals?token=${'x'.repeat(48)}`), /wrong access token/],
      ['foreign host', send(dash.port, '/api/goals', { headers: { host: `evil.example:${dash.port}`, cookie } }), /Host header/],
      ['foreign origin', send(dash.port, '/api/goals', { headers: { cookie, origin: 'http://evil.example' } }), /origin "http:\/\/evil.example"/],
      ['no csrf', send(dash.port, `/api/goals/${goalId}/pause`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' }), /CSRF token/],
      ['bad csrf', send(dash.port, `/api/goals/${goalId}/accept`, { method: 'POST', headers: { cookie, 'x-omk-csrf': 'nope', 'content-type': 'application/json' }, body: '{"summary":"x"}' }), /CSRF token/],
      ['metrics without token', send(dash.port, '/metrics'), /no access token/],
    ];
    for (const [name, reply, why] of cases) {
      const r = await reply;
      expect(r.status, name).toBe(403);
      expect(r.body, name).toMatch(why);
    }
    // Nothing was recorded by the refused changes.
    const view = JSON.parse((await send(dash.port, `/api/goals/${goalId}`, { headers: { cookie } })).body) as { human: unknown[]; status: string };
    expect(view.human).toEqual([]);
  });

  it('serves the goals list and the goal from the goal service, and the gate output, diffs and verified proof', async () => {
    const list = JSON.parse((await send(dash.port, '/api/goals', { headers: { cookie } })).body) as { goals: Array<{ goal_id: string; status: string; tasks: { total: number; done: number }; verdict: { status: string } | null }> };
    expect(list.goals).toEqual([expect.objectContaining({ goal_id: goalId, status: 'ready', tasks: { total: 2, done: 2 }, verdict: expect.objectContaining({ status: 'ready' }) })]);
    const view = JSON.parse((await send(dash.port, `/api/goals/${goalId}`, { headers: { cookie } })).body) as { gates: Array<{ run_id: string; task_id: string | null }> };
    const gate = view.gates.find((g) => g.task_id === 'part-a')!;
    const raw = await send(dash.port, `/api/goals/${goalId}/gates/${gate.run_id}`, { headers: { cookie } });
    expect(raw.status, raw.body).toBe(200);
    const out = JSON.parse(raw.body) as { evidence: { name: string; passed: boolean }; stdout: { text: string } };
    expect(out.evidence).toMatchObject({ name: 'test', passed: true });
    expect(out.stdout.text).toMatch(/pass \d/);
    expect((await send(dash.port, `/api/goals/${goalId}/gates/..%2F..%2Fetc`, { headers: { cookie } })).status).toBe(404);
    const diff = JSON.parse((await send(dash.port, `/api/goals/${goalId}/diff?task=part-a`, { headers: { cookie } })).body) as { patch: string };
    expect(diff.patch).toContain("+export const a = '<script>alert(1)</script>';");
    const combined = JSON.parse((await send(dash.port, `/api/goals/${goalId}/diff`, { headers: { cookie } })).body) as { files: Array<{ path: string }> };
    expect(combined.files.map((f) => f.path).sort()).toEqual(['a.js', 'b.js']);
    const proof = JSON.parse((await send(dash.port, `/api/goals/${goalId}/proof`, { headers: { cookie } })).body) as { verify: { ok: boolean } };
    expect(proof.verify.ok).toBe(true);
  });

  it('the stream: each event once with its seq as the SSE id; Last-Event-ID resumes right after it', async () => {
    const total = (JSON.parse((await send(dash.port, `/api/goals/${goalId}`, { headers: { cookie } })).body) as { events: number }).events;
    const ids = (body: string): number[] => [...body.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    const all = await send(dash.port, `/api/goals/${goalId}/stream`, { headers: { cookie }, until: (b) => ids(b).includes(total) });
    expect(all.headers['content-type']).toContain('text/event-stream');
    expect(ids(all.body)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const cut = Math.floor(total / 2);
    const rest = await send(dash.port, `/api/goals/${goalId}/stream`, { headers: { cookie, 'last-event-id': String(cut) }, until: (b) => ids(b).includes(total) });
    expect(ids(rest.body)).toEqual(Array.from({ length: total - cut }, (_, i) => cut + i + 1));
  });

  it('/metrics speaks the Prometheus text format with goal, task, gate and cost counters (Bearer token for scrapers)', async () => {
    const r = await send(dash.port, '/metrics', { headers: { authorization: `Bearer ${dash.token}` } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain; version=0.0.4');
    expect(r.body).toMatch(/^# TYPE omk_goals gauge$/m);
    expect(r.body).toMatch(/^omk_goals\{repo="[^"]+",status="ready"\} 1$/m);
    expect(r.body).toMatch(/^omk_tasks\{repo="[^"]+",status="done"\} 2$/m);
    expect(r.body).toMatch(/^omk_gate_runs_total\{repo="[^"]+",result="passed"\} [1-9]\d*$/m);
    expect(r.body).toMatch(/^# TYPE omk_cost_usd_total counter$/m);
    expect(r.body).toMatch(/^omk_tokens_total\{repo="[^"]+",direction="in"\} \d+$/m);
  });

  it('accept and reject with a summary go through the goal service and are recorded as events; an empty summary is refused', async () => {
    const post = (path: string, body: unknown) => send(dash.port, `/api/goals/${goalId}/${path}`, { method: 'POST', headers: { cookie, 'x-omk-csrf': csrf, 'content-type': 'application/json', origin: `http://127.0.0.1:${dash.port}` }, body: JSON.stringify(body) });
    const empty = await post('accept', { summary: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('needs a summary');
    const ok = await post('accept', { summary: 'read the diff; both parts are right' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ goal_id: goalId, decision: { kind: 'accept' } });
    const view = JSON.parse((await send(dash.port, `/api/goals/${goalId}`, { headers: { cookie } })).body) as { human: Array<{ kind: string; text: string; by: string }> };
    expect(view.human).toEqual([expect.objectContaining({ kind: 'accepted', text: 'read the diff; both parts are right' })]);
    const events = await runOmk(['goal', 'replay', goalId], { cwd: repo.root, env: repo.env });
    expect(events.stdout).toMatch(/human\.accepted/);
  });

  it('budget-add is recorded as budget.extended; pausing a finished goal is refused with 409 and the reason', async () => {
    const post = (path: string, body: unknown) => send(dash.port, `/api/goals/${goalId}/${path}`, { method: 'POST', headers: { cookie, 'x-omk-csrf': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const none = await post('budget-add', {});
    expect(none.status).toBe(400);
    const added = await post('budget-add', { tokens: '500k' });
    expect(added.status, added.body).toBe(200);
    expect(JSON.parse(added.body)).toMatchObject({ goal_id: goalId, resumed: false, resumed_by: null });
    const replay = await runOmk(['goal', 'replay', goalId], { cwd: repo.root, env: repo.env });
    expect(replay.stdout).toMatch(/budget\.extended/);
    const pause = await post('pause', {});
    expect(pause.status).toBe(409);
    expect(JSON.parse(pause.body)).toMatchObject({ error: { code: 'failed', message: expect.stringContaining('already finished') } });
  });
});

describe('omk dashboard outside a repository', () => {
  it('refuses to start with not_a_repo (exit 2) and says where to run it', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/omk-nodash-`);
    try {
      const r = await runOmk(['dashboard'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('is not inside a git repository');
      expect(r.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
