import { OmkError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `omk dashboard [--port P] [--open]`: serves the local dashboard (docs/dashboard.md) on 127.0.0.1
 * until Ctrl-C. Prints one line to stdout, the URL with its access token; OMK_DASHBOARD_TOKEN fixes
 * the token (a restarted server then accepts the pages still open).
 */
export async function dashboardCommand(ctx: CliContext, opts: { port?: string; open?: boolean }): Promise<number> {
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new OmkError('usage', `--port must be a port number (0-65535), got ${String(opts.port)}`);
  const token = ctx.env.OMK_DASHBOARD_TOKEN || undefined;
  const { startDashboard } = await import('../../web/server.js');
  const dashboard = await startDashboard(ctx, { port, ...(token ? { token } : {}) });
  ctx.stdout.write(`${dashboard.url}\n`);
  ctx.log.info(`dashboard on 127.0.0.1:${dashboard.port} (Ctrl-C to stop)`);
  if (opts.open) {
    const { openInBrowser } = await import('../../app/open-url.js');
    if (!openInBrowser(ctx, dashboard.url)) ctx.log.warn('could not start a browser; open the URL above');
  }
  try {
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await dashboard.close();
  }
  return EXIT.interrupted;
}
