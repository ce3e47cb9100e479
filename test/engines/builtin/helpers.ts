import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBuiltinSession, type BuiltinSessionOptions } from '../../../src/engines/builtin/index.js';
import type { AgentEvent, AgentSession, AgentTurn, ApprovalRequest, ApproveFn, TurnResult } from '../../../src/engines/session.js';

export const SCENARIOS = fileURLToPath(new URL('./scenarios/', import.meta.url));
export const SHARED_SCENARIOS = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));

/** A fake key that matches no secret pattern, so only the session's own scrubbing can hide it. */
export const TEST_KEY = 'test-key-7f3a9c';

/** A real git repository in a temp dir with the given files, and a sibling directory outside it. */
export function tempRepo(files: Record<string, string> = {}): { root: string; outside: string; cleanup: () => void } {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'omk-builtin-')));
  const root = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: root, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'init');
  return { root, outside, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** An approve callback that allows everything and records what it was asked. */
export function recordingApprove(decide: (r: ApprovalRequest) => { allow: boolean; reason?: string } = () => ({ allow: true })): ApproveFn & {
  requests: ApprovalRequest[];
} {
  const requests: ApprovalRequest[] = [];
  const fn = (request: ApprovalRequest): Promise<{ allow: boolean; reason?: string; rule?: string }> => {
    requests.push(request);
    return Promise.resolve({ ...decide(request), rule: 'test' });
  };
  return Object.assign(fn, { requests });
}

/** Instant retry sleeps that record the delays asked for. */
export function instantSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => (delays.push(ms), Promise.resolve()) };
}

export function startSession(
  url: string,
  cwd: string,
  overrides: Partial<BuiltinSessionOptions> = {},
): Promise<AgentSession> {
  return startBuiltinSession({
    engine: 'builtin',
    cwd,
    baseUrl: url,
    model: 'mock-kimi',
    env: { MOONSHOT_API_KEY: TEST_KEY, PATH: process.env.PATH },
    approve: recordingApprove(),
    retry: { sleep: () => Promise.resolve() },
    requestTimeoutMs: 10_000,
    ...overrides,
  });
}

/** Iterates a turn to its end; returns every event and the result. */
export async function drain(turn: AgentTurn): Promise<{ events: AgentEvent[]; result: TurnResult }> {
  const events: AgentEvent[] = [];
  for await (const event of turn) events.push(event);
  return { events, result: await turn.result };
}

export function textOf(events: AgentEvent[], type: 'text_delta' | 'thinking_delta' = 'text_delta'): string {
  return events.flatMap((e) => (e.type === type ? [e.text] : [])).join('');
}

/** The messages of a recorded request body. */
export function messagesOf(body: unknown): Array<Record<string, unknown>> {
  return (body as { messages: Array<Record<string, unknown>> }).messages;
}

export function toolMessages(body: unknown): string[] {
  return messagesOf(body)
    .filter((m) => m.role === 'tool')
    .map((m) => m.content as string);
}
