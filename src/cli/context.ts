import type { Writable } from 'node:stream';
import type { Logger } from '../runtime/logger.js';
import type { OmkPaths } from '../runtime/paths.js';

/** Everything a command may touch from the outside world, injected so tests can replace it. */
export interface CliContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  paths: OmkPaths;
  stdout: Writable;
  stderr: Writable;
  /** stdout is a terminal: live progress and colour are allowed. */
  isTTY: boolean;
  log: Logger;
  now: () => Date;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  version: string;
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeLine(ctx: CliContext, line = ''): void {
  ctx.stdout.write(`${line}\n`);
}
