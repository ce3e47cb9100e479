import { runSetup } from '../runtime/config/setup.js';
import type { AppContext } from './context.js';

/** `setup`: the user config, the project `.omk/`, and `.omk/` kept out of git; what existed is reported, never overwritten. */
export function setupOmk(ctx: Pick<AppContext, 'env' | 'paths'>): ReturnType<typeof runSetup> {
  return runSetup({ paths: ctx.paths, env: ctx.env });
}
