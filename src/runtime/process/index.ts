export { runProcess } from './run-process.js';
export { spawnManaged } from './spawn-managed.js';
export { allowlistEnv, BASE_ENV_NAMES } from './env.js';
export { whichSync } from './which.js';
export { killTrackedGroups } from './process-group.js';
export { DEFAULT_GRACE_MS, DEFAULT_MAX_OUTPUT_BYTES } from './types.js';
export type { ManagedProcess, ProcessOptions, ProcessResult } from './types.js';
export { spawnDetached } from './spawn-detached.js';
export type { DetachedChild } from './spawn-detached.js';
