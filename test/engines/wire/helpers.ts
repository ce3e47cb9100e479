import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentEvent, AgentTurn, ApprovalOutcome, ApprovalRequest, TurnResult } from '../../../src/engines/session.js';
import { defaultWireArgs, startWireSession } from '../../../src/engines/wire/index.js';
import type { WireSession, WireSessionOptions } from '../../../src/engines/wire/index.js';

export const FAKE_WIRE_AGENT = path.resolve(__dirname, '../../fixtures/agents/fake-wire-agent.mjs');

export interface Repo {
  /** The work dir: a real git repo with one commit. */
  dir: string;
  /** Scenario files live here, outside the repo. */
  aux: string;
  scenario(content: unknown): string;
  read(file: string): string;
  cleanup(): void;
}

/** A fresh git repo in a temp dir (one commit with README.md). */
export function tempRepo(): Repo {
  const root = mkdtempSync(path.join(tmpdir(), 'omk-wire-'));
  const dir = path.join(root, 'repo');
  const aux = path.join(root, 'aux');
  mkdirSync(dir);
  mkdirSync(aux);
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: dir, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  };
  git('init', '-q');
  writeFileSync(path.join(dir, 'README.md'), '# test repo\n');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
  let n = 0;
  return {
    dir,
    aux,
    scenario(content) {
      const file = path.join(aux, `scenario-${n++}.json`);
      writeFileSync(file, JSON.stringify(content));
      return file;
    },
    read: (file) => readFileSync(path.join(dir, file), 'utf8'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Allows everything except commands containing `rm ` (a stand-in for omk's policy), recording each request. */
export function recordingApprover(): { approve: (r: ApprovalRequest, s: AbortSignal) => Promise<ApprovalOutcome>; seen: ApprovalRequest[] } {
  const seen: ApprovalRequest[] = [];
  return {
    seen,
    approve: (request) => {
      seen.push(request);
      if (request.command?.includes('rm ')) return Promise.resolve({ allow: false, rule: 'test:no-rm', reason: 'rm is forbidden here' });
      return Promise.resolve({ allow: true, rule: 'test:allow' });
    },
  };
}

/** Starts the fake Wire agent as a real child process. */
export function startFake(
  repo: Repo,
  opts: Partial<WireSessionOptions> & { scenario?: unknown; fault?: string; quirks?: string; fakeArgs?: string[] } = {},
): Promise<WireSession> {
  const { scenario, fault, quirks, fakeArgs, ...rest } = opts;
  const sessionId = rest.sessionId ?? 'test-session';
  const env: Record<string, string> = { ...rest.env };
  if (scenario !== undefined) env.FAKE_AGENT_SCENARIO = repo.scenario(scenario);
  if (fault !== undefined) env.FAKE_AGENT_FAULT = fault;
  if (quirks !== undefined) env.FAKE_AGENT_QUIRKS = quirks;
  return startWireSession({
    engine: 'kimi',
    cwd: repo.dir,
    approve: recordingApprover().approve,
    command: process.execPath,
    args: [FAKE_WIRE_AGENT, ...defaultWireArgs({ cwd: repo.dir, sessionId, ...(rest.maxStepsPerTurn !== undefined ? { maxStepsPerTurn: rest.maxStepsPerTurn } : {}) }), ...(fakeArgs ?? [])],
    sourceEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    graceMs: 500,
    handshakeTimeoutMs: 10_000,
    sessionId,
    ...rest,
    env,
  });
}

/** Every event of a turn plus its result. */
export async function drain(turn: AgentTurn): Promise<{ events: AgentEvent[]; result: TurnResult }> {
  const events: AgentEvent[] = [];
  for await (const event of turn) events.push(event);
  return { events, result: await turn.result };
}

export function texts(events: AgentEvent[]): string {
  return events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');
}

/** True when the process is gone (a zombie counts: PID 1 here does not reap orphans). */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** True when no live member of the process group `pgid` is left. */
export function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return true;
  }
  // Members may be zombies: check each one.
  for (const entry of readdirProc()) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return false;
    } catch {
      // raced with exit
    }
  }
  return true;
}

function readdirProc(): string[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e));
}
