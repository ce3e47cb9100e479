import type { Logger } from '../runtime/logger.js';
import type { OmkPaths } from '../runtime/paths.js';

export type { Logger, LogLevel } from '../runtime/logger.js';
export type { OmkPaths } from '../runtime/paths.js';
export { createLogger, parseLogLevel } from '../runtime/logger.js';
export { resolvePaths } from '../runtime/paths.js';

/**
 * What every use case needs from the outside world, injected by the surface that calls it (the CLI,
 * the REPL, the dashboard, the MCP server) so tests can replace it. Use cases return data; they never
 * write to stdout — formatting is the surface's.
 */
export interface AppContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  paths: OmkPaths;
  log: Logger;
  now: () => Date;
  /** Aborted when the surface is asked to stop (Ctrl-C, a closed connection). */
  signal: AbortSignal;
  version: string;
  /** Human progress lines while something long runs (stderr on a terminal); never evidence. @default none */
  progress?: (line: string) => void;
}
