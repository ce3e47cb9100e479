import { spawnDetached } from '../runtime/process/index.js';
import { devNull } from 'node:os';
import type { AppContext } from './context.js';

/**
 * Opens `url` in the user's browser (`xdg-open`, `open` on macOS) without waiting for it. Best effort:
 * false when no opener could be started — the caller has printed the URL anyway.
 */
export function openInBrowser(ctx: Pick<AppContext, 'env' | 'cwd'>, url: string): boolean {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawnDetached(opener, [url], { cwd: ctx.cwd, env: ctx.env, logFile: devNull });
    return child.pid !== undefined;
  } catch {
    return false;
  }
}
