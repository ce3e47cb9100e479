import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGeminiServer } from '../../fixtures/gemini-server/index.js';
import type { GeminiServer } from '../../fixtures/gemini-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { GEMINI_JS, geminiCliInstalled, geminiHome } from '../../helpers/gemini-cli.js';
import { FIXED_MATH, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

/**
 * Project config: `[engines.gemini]` runs the Gemini CLI's bundle under the system Node against the scripted
 * Gemini API server. The preset's GEMINI_CLI_NO_RELAUNCH and serve_fs = false still apply (config only
 * replaces command and args, and adds env).
 */
function geminiConfig(url: string, home: string): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    '[defaults]',
    'engine = "gemini"',
    '',
    '[engines.gemini]',
    'protocol = "acp"',
    `command = ${q(process.execPath)}`,
    `args = [${q(GEMINI_JS)}, "--acp"]`,
    '',
    '[engines.gemini.env]',
    'GEMINI_API_KEY = "test-gemini-key"',
    `GOOGLE_GEMINI_BASE_URL = ${q(url)}`,
    'GEMINI_MODEL = "gemini-2.5-pro"',
    `GEMINI_CLI_HOME = ${q(home)}`,
    '',
    '[gates.test]',
    'command = "node --test"',
    '',
  ].join('\n');
}

describe.skipIf(!geminiCliInstalled)('omk goal run with the real Gemini CLI as the engine (skipped when tools/gemini-cli/node_modules is not installed)', () => {
  let repo: SampleRepo;
  let server: GeminiServer | undefined;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
  });

  it('plans, reads math.js, edits it with Gemini CLI tools, runs the test, reaches ready; the proof verifies', { timeout: 90_000 }, async () => {
    server = await startGeminiServer({
      scenario: {
        name: 'gemini-fix-add',
        api_key: 'test-gemini-key',
        steps: [
          planStep(),
          { label: 'read', tool_calls: [{ name: 'read_file', arguments: { file_path: 'math.js' } }] },
          { label: 'edit', match: { role: 'tool', contains: 'return a - b;' }, tool_calls: [{ name: 'replace', arguments: { file_path: 'math.js', old_string: 'return a - b;', new_string: 'return a + b;', instruction: 'Make add() add.' } }] },
          { label: 'test', tool_calls: [{ name: 'run_shell_command', arguments: { command: 'node --test', description: 'Run the tests.' } }] },
          { label: 'answer', match: { role: 'tool', contains: 'pass 1' }, content: 'Fixed add(): it subtracted; the test passes now.' },
        ],
        on_exhausted: { content: 'done' },
      },
    });
    repo.writeConfig(geminiConfig(server.url, geminiHome(repo.home)));
    const run = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json'], { cwd: repo.root, env: repo.env });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const out = JSON.parse(run.stdout) as { goal_id: string; status: string; proof: string; goal_dir: string };
    expect(out.status).toBe('ready');
    const show = JSON.parse((await runOmk(['goal', 'show', out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { plan: { planner: string; engine?: string } };
    // Gemini CLI answered the scripted graph as the planner.
    expect(show.plan).toMatchObject({ planner: 'engine', engine: 'gemini' });
    const head = (JSON.parse((await runOmk(['goal', 'proof', out.goal_id, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { head: { sha: string } }).head.sha;
    expect(repo.git('show', `${head}:math.js`)).toBe(FIXED_MATH);
    // Every scripted step was asked for, in order: the plan, then read_file, replace and run_shell_command
    // through Gemini CLI, then the answer; then Gemini CLI reviewed read-only (the reviewer defaults to the
    // goal's engine), answered by on_exhausted's "done": no verdict in it, so the deterministic checks decided.
    expect(server.requests.map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 'on_exhausted']);
    const review = JSON.parse(readFileSync(path.join(out.goal_dir, 'artifacts', 'reviews', 'round-1.json'), 'utf8')) as { reviewer: { engine: string; outcome: string } };
    expect(review.reviewer).toMatchObject({ engine: 'gemini', outcome: 'unreadable' });
    const transcript = readFileSync(path.join(out.goal_dir, 'transcripts', 'fix-add', '1.jsonl'), 'utf8');
    for (const kind of ['read', 'edit', 'execute']) expect(transcript, kind).toContain(`"kind":"${kind}"`);
    // omk served no fs to Gemini CLI: it read and wrote the worktree itself.
    expect(transcript).not.toContain('fs/read_text_file');
    expect(transcript).toContain('"readTextFile":false');

    const verify = await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(verify.stdout).toContain('OK');
    expect(verify.status).toBe(0);
  });
});
