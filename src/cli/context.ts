import type { Writable } from 'node:stream';
import type { AppContext } from '../app/context.js';

/** Everything a command may touch from the outside world, injected so tests can replace it: the app's context plus the terminal. */
export interface CliContext extends AppContext {
  stdout: Writable;
  stderr: Writable;
  /** stdout is a terminal: live progress and colour are allowed. */
  isTTY: boolean;
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeLine(ctx: CliContext, line = ''): void {
  ctx.stdout.write(`${line}\n`);
}
