import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN } from '../runtime/goal/cli-child.js';

export interface ChatRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `--json` lines of stdout, parsed. */
  lines: Array<Record<string, unknown>>;
}

/** The built `omk chat ARGS` with `input` piped to its stdin (no terminal anywhere). */
export function runChat(args: string[], cwd: string, env: Record<string, string | undefined>, input = ''): Promise<ChatRun> {
  const child = spawn(process.execPath, [BIN, 'chat', ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const lines: Array<Record<string, unknown>> = [];
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // plain output
        }
      }
      resolve({ code, stdout, stderr, lines });
    });
  });
}

/** The session directory named by a run's `session` JSON line or its `chat session` stderr line. */
export function sessionDir(home: string, run: ChatRun, stateHome?: string): string {
  const fromJson = run.lines.find((l) => l.type === 'session')?.id as string | undefined;
  const id = fromJson ?? /chat session (c-\d{8}-\d{6}-[0-9a-f]{4})/.exec(run.stderr)?.[1];
  if (id === undefined) throw new Error(`no session id in the output:\n${run.stderr}`);
  return path.join(stateHome ?? path.join(home, '.local', 'state'), 'omk', 'sessions', id);
}

export function jsonl(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
