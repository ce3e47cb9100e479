import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { runOmk } from '../helpers/cli.js';
import { builtinConfig, FIXED_MATH, planStep, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
export const TRACKER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mcp-server/tracker-server.mjs');
const TOKEN = 'trk-0123456789abcdef-secret';

/** [mcp.servers.tracker]: the fixture server, its token passed by reference. */
export function trackerConfig(log: string): string {
  return [
    '[mcp.servers.tracker]',
    `command = "${process.execPath}"`,
    `args = ["${TRACKER}"]`,
    `env = { TRACKER_TOKEN = "\${OMK_TRACKER_TOKEN}", TRACKER_LOG = "${log}" }`,
    '',
  ].join('\n');
}

/** Plan → look the issue up in the tracker → edit only once its text came back → test → answer. */
function trackerScenario() {
  return {
    name: 'fix-add-from-tracker',
    steps: [
      { ...planStep(), match: { role: 'user' as const, contains: 'OMK-PLANNER-REQUEST' } },
      { label: 'edit', match: { role: 'tool' as const, contains: 'TRACKER-ISSUE-7' }, tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
      { label: 'test', match: { role: 'tool' as const, contains: 'edited math.js' }, tool_calls: [{ name: 'bash', arguments: { command: 'node --test' } }] },
      { label: 'answer', match: { role: 'tool' as const, contains: 'pass' }, content: 'Fixed add() as issue 7 says.' },
      { label: 'lookup', match: { role: 'user' as const, contains: 'OMK-TASK-REQUEST' }, tool_calls: [{ name: 'mcp__tracker__lookup_issue', arguments: { id: '7' } }] },
    ],
  };
}

describe('a configured MCP server in the builtin engine', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
  });

  it('its tool is offered, approved by policy, called during the goal and recorded; the token never reaches a file', { timeout: 90_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: trackerScenario() });
    const log = path.join(repo.home, 'tracker.log');
    // MCP tools are kind "other": a rule allows them (auto mode denies kinds it does not know).
    repo.writeConfig(`${builtinConfig(server.url)}\n${trackerConfig(log)}\n[[approval.rules]]\nid = "mcp-tracker"\nkind = "other"\naction = "allow"\n`);
    const env = { ...repo.env, OMK_TRACKER_TOKEN: TOKEN };
    const run = await runOmk(['goal', 'run', 'fix the bug described in issue 7', '--json'], { cwd: repo.root, env });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { goal_id: string; status: string; proof: string; goal_dir: string };
    expect(out.status).toBe('ready');
    const proof = JSON.parse(readFileSync(out.proof, 'utf8')) as { head: { sha: string } };
    expect(repo.git('show', `${proof.head.sha}:math.js`)).toBe(FIXED_MATH);

    // The server got the call (and its token: it answers nothing without it).
    expect(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([{ tool: 'lookup_issue', id: '7' }]);
    // The approval policy decided it, as an event in the goal's log.
    const events = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
    const decided = events.filter((e) => e.type === 'approval.decided' && JSON.stringify(e.payload).includes('mcp tracker: lookup_issue'));
    expect(decided).toHaveLength(1);
    expect(JSON.stringify(decided[0]!.payload)).toContain('mcp-tracker');
    // The transcript has the call and the server's answer.
    const transcript = readFileSync(path.join(out.goal_dir, 'transcripts', 'fix-add', '1.jsonl'), 'utf8');
    const completed = transcript.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; title?: string; output?: string; status?: string }).find((e) => e.type === 'tool_call_completed' && e.title?.startsWith('mcp tracker'));
    expect(completed).toMatchObject({ status: 'completed', title: 'mcp tracker: lookup_issue' });
    expect(completed!.output).toContain('TRACKER-ISSUE-7');
    // The offered tool definition reached the model.
    const requests = JSON.stringify(server.requests);
    expect(requests).toContain('mcp__tracker__lookup_issue');
    for (const file of walk(path.join(repo.root, '.omk'))) expect(readFileSync(file, 'utf8').includes(TOKEN), file).toBe(false);
  });

  it('without a rule the default policy denies the call; the model reads the denial and the server is never called', { timeout: 90_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: { ...trackerScenario(), steps: [...trackerScenario().steps.slice(0, 1), { label: 'give-up', match: { role: 'tool' as const, contains: 'denied' }, content: 'The tracker is not allowed; stopping.' }, ...trackerScenario().steps.slice(1)] } });
    const log = path.join(repo.home, 'tracker.log');
    repo.writeConfig(`${builtinConfig(server.url)}\n${trackerConfig(log)}`);
    const run = await runOmk(['goal', 'run', 'fix the bug described in issue 7', '--json'], { cwd: repo.root, env: { ...repo.env, OMK_TRACKER_TOKEN: TOKEN } });
    const out = JSON.parse(run.stdout) as { status: string; goal_dir: string };
    expect(out.status).not.toBe('ready');
    expect(() => readFileSync(log, 'utf8')).toThrow();
    const events = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8');
    expect(events).toContain('mcp tracker: lookup_issue');
    expect(events).toMatch(/"decision":"deny"/);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.isFile() && !d.name.endsWith('.db') && !d.name.includes('.db-') ? [path.join(dir, d.name)] : []));
}
