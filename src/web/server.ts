import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { AppContext } from '../app/context.js';
import { openGoalFeed, type GoalFeed } from '../app/feed.js';
import { repoPaths } from '../app/repo.js';
import { whoAmI } from '../app/runtime.js';
import { OmkError } from '../core/errors.js';
import { loadPageAssets, pageShell } from './assets.js';
import { createGuard } from './guard.js';
import { mountRoutes } from './routes.js';

export interface DashboardOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** A fixed access token (OMK_DASHBOARD_TOKEN), so a restarted server accepts open pages; random otherwise. */
  token?: string;
}

export interface Dashboard {
  /** The address to open, with the access token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Content-Security-Policy: only this server's own script and style, no inline code, no framing. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `omk dashboard`: the local web view (docs/dashboard.md). Binds 127.0.0.1 only; every request passes
 * the guard (token, Host/Origin, CSRF). Reads come from the goal service and the goal feed, controls go
 * through the goal service — the dashboard never drives a goal in its own process.
 */
export async function startDashboard(ctx: AppContext, opts: DashboardOptions = {}): Promise<Dashboard> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  if (token.length < 16 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new OmkError('usage', 'the dashboard token must be at least 16 letters, digits, - or _', { hint: 'unset OMK_DASHBOARD_TOKEN for a random one' });
  }
  repoPaths(ctx); // outside a repository: not_a_repo now, not a page of errors later
  const assets = loadPageAssets();
  let port = opts.port ?? 0;
  const guard = createGuard(token, () => port);
  const streams = new Set<AbortController>();
  let feed: Promise<GoalFeed> | undefined;
  const getFeed = (): Promise<GoalFeed> => {
    feed ??= openGoalFeed(ctx).catch((error: unknown) => {
      feed = undefined;
      throw error;
    });
    return feed;
  };

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
    c.header('cross-origin-resource-policy', 'same-origin');
  });
  app.use('*', guard.middleware);
  app.get('/assets/app.js', (c) => c.body(assets.js, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'private, max-age=31536000, immutable' }));
  app.get('/assets/app.css', (c) => c.body(assets.css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'private, max-age=31536000, immutable' }));
  const shell = pageShell(assets, { csrf: guard.csrf, repo: ctx.paths.repoRoot ?? ctx.cwd, version: ctx.version });
  const page = (c: Context): Response => c.body(shell, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/', (c) => page(c));
  app.get('/goals/:id', (c) => page(c));
  mountRoutes(app, { ctx, feed: getFeed, streams, by: `${whoAmI(ctx)} via the dashboard` });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}`, hint: null } }, 404));

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new OmkError('usage', `port ${port} on 127.0.0.1 is in use`, { hint: 'pick another with --port, or 0 for any free port' }) : error),
    );
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const s of streams) s.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      if (feed) await (await feed.catch(() => undefined))?.close();
    },
  };
}
