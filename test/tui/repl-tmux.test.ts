import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { BIN, BUILT, until } from '../runtime/goal/cli-child.js';
import { builtinConfig, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * The chat REPL in a real terminal: the built binary in a tmux pane of 80×24, driven with send-keys and
 * read with capture-pane, against the scripted model server.
 */
describe.skipIf(!BUILT || !hasTmux)('the chat REPL in a terminal (tmux 80×24; needs npm run build and tmux)', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  const session = `omk-repl-${process.pid}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
  const pane = (): string => tmux('capture-pane', '-p', '-t', session);
  const start = (args: string[]): void => {
    const env = Object.entries({ ...repo.env, TERM: 'xterm-256color' })
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    const command = `cd ${JSON.stringify(repo.root)} && env -i ${env.join(' ')} ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args.join(' ')}; echo "omk exited $?"; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command);
  };
  afterEach(async () => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    await server?.close();
    server = undefined;
    repo.cleanup();
  });

  it('answers a question as Markdown, expands the engine pane with Tab, and a resumed session shows its history', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: { steps: [{ content: '# Exports\n\n`math.js` exports **add(a, b)**:\n\n- it takes two numbers\n', chunk_size: 4 }] } });
    repo.writeConfig(builtinConfig(server.url));
    start(['chat']);
    await until(() => pane().includes('ask, or describe a change'), 20_000);
    tmux('send-keys', '-t', session, 'what does math.js export?', 'Enter');
    await until(() => pane().includes('it takes two numbers'), 20_000);
    let screen = pane();
    expect(screen).toContain('→ trivial (confidence 0.95, heuristic');
    // Markdown is rendered: no heading hashes or bold stars, a bullet instead of "- ".
    expect(screen).toContain('• it takes two numbers');
    expect(screen).not.toContain('# Exports');
    expect(screen).not.toContain('**add');
    expect(screen.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(screen).toMatch(/\[engine\] .* · idle · \$0\.000 · Tab to expand/);
    tmux('send-keys', '-t', session, 'Tab');
    await until(() => pane().includes('route: trivial'), 10_000);
    screen = pane();
    expect(screen).toMatch(/cost: \d+ in \/ \d+ out/);
    expect(screen).toContain('Shift+Tab collapse');
    // The session is on disk; quitting and resuming it by id shows the conversation again.
    const id = /omk chat · (c-\d{8}-\d{6}-[0-9a-f]+)/.exec(screen)?.[1];
    expect(id).toBeDefined();
    const conversation = readFileSync(path.join(repo.home, '.local', 'state', 'omk', 'sessions', id!, 'conversation.jsonl'), 'utf8');
    expect(conversation).toContain('what does math.js export?');
    tmux('send-keys', '-t', session, 'C-d');
    await until(() => /quit/i.test(pane()), 10_000);
    tmux('send-keys', '-t', session, 'y');
    await until(() => pane().includes('omk exited 0'), 10_000);
    tmux('kill-server');
    start(['chat', '--session', id!]);
    await until(() => pane().includes('(resumed)'), 20_000);
    expect(pane()).toContain('what does math.js export?');
  });

  it('Ctrl+C mid-answer stops the turn and the REPL takes the next request', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({
      scenario: { steps: [{ content: 'one two three four five six seven eight nine ten eleven twelve', chunk_size: 4, slow: 1000 }, { content: 'math.js exports add.' }] },
    });
    repo.writeConfig(builtinConfig(server.url));
    start(['chat']);
    await until(() => pane().includes('ask, or describe a change'), 20_000);
    tmux('send-keys', '-t', session, 'what is in this repository?', 'Enter');
    await until(() => pane().includes('one two'), 20_000);
    tmux('send-keys', '-t', session, 'C-c');
    // The turn ends as cancelled (not just the "cancelling…" note), and the rest of the answer never comes.
    await until(() => /^cancelled/m.test(pane()), 10_000);
    expect(pane()).not.toContain('twelve');
    tmux('send-keys', '-t', session, 'what does math.js export?', 'Enter');
    await until(() => pane().includes('math.js exports add.'), 20_000);
    expect(pane()).not.toContain('omk exited');
  });
});
