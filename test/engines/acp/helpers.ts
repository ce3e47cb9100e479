import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAcpSession } from '../../../src/engines/acp/index.js';
import type { AcpSessionOptions } from '../../../src/engines/acp/index.js';
import type { AgentEvent, AgentSession, AgentTurn, ApprovalOutcome, ApprovalRequest, TurnResult } from '../../../src/engines/session.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FAKE_ACP = path.join(ROOT, 'test', 'fixtures', 'agents', 'fake-acp-agent.mjs');
export const SCENARIOS = path.join(ROOT, 'test', 'engines', 'acp', 'scenarios');

/** A fresh git repository in a temp dir (realpath, so paths compare equal). */
export function tempRepo(prefix = 'omk-acp-'): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  writeFileSync(path.join(dir, 'README.md'), '# test repo\n');
  return dir;
}

export function tempDir(prefix = 'omk-acp-tmp-'): string {
  return realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
}

/** Approval callback that records requests and answers with `decide`. */
export function recordingApprover(decide: (r: ApprovalRequest) => ApprovalOutcome | Promise<ApprovalOutcome> = () => ({ allow: true, rule: 'test:allow' })) {
  const requests: ApprovalRequest[] = [];
  const approve = async (r: ApprovalRequest): Promise<ApprovalOutcome> => {
    requests.push(r);
    return decide(r);
  };
  return { requests, approve };
}

export interface FakeOptions extends Partial<AcpSessionOptions> {
  scenario?: string;
  fault?: string;
  quirks?: string;
}

/** Starts the fake ACP agent through the real adapter (a real child process). */
export function startFake(cwd: string, opts: FakeOptions = {}): Promise<AgentSession> {
  const { scenario, fault, quirks, ...rest } = opts;
  const args = [FAKE_ACP, 'acp'];
  if (scenario) args.push('--scenario', path.isAbsolute(scenario) ? scenario : path.join(SCENARIOS, scenario));
  if (fault) args.push('--fault', fault);
  if (quirks) args.push('--quirks', quirks);
  return startAcpSession({
    engine: 'fake-acp',
    cwd,
    command: process.execPath,
    args,
    approve: recordingApprover().approve,
    handshakeTimeoutMs: 10_000,
    graceMs: 500,
    ...rest,
  });
}

/** Drains a turn: every event and the result. */
export async function collect(turn: AgentTurn): Promise<{ events: AgentEvent[]; result: TurnResult; text: string }> {
  const events: AgentEvent[] = [];
  for await (const e of turn) events.push(e);
  const result = await turn.result;
  const text = events.map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
  return { events, result, text };
}

/**
 * True when no live process has this pid and none is left in its process group. A zombie counts as
 * gone: PID 1 here does not reap orphans.
 */
export function processAndGroupGone(pid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = rest[0];
    const pgrp = Number(rest[2]);
    if (state === 'Z' || state === 'X') continue;
    if (Number(entry) === pid || pgrp === pid) return false;
  }
  return true;
}

/** Resolves when `predicate` holds for an event of the turn (the turn keeps running). */
export function waitForEvent(turn: AgentTurn, predicate: (e: AgentEvent) => boolean): Promise<AgentEvent | undefined> {
  return (async () => {
    for await (const e of turn) if (predicate(e)) return e;
    return undefined;
  })();
}

/** Pids of live (non-zombie) processes whose working directory is `dir` (agents started there). */
export function livePidsIn(dir: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== dir) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state !== 'Z' && state !== 'X') out.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}
