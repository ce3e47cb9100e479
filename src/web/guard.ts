import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * Who may talk to the dashboard (docs/dashboard.md "Security"): the server binds 127.0.0.1 and every
 * request must carry the access token — `?token=` once (then an HttpOnly, SameSite=Strict cookie), or
 * `Authorization: Bearer` for scrapers. A `Host` or `Origin` that is not this server (DNS rebinding, a
 * page on another site) is refused, and so is a state-changing request without the CSRF token the
 * page was given. Every refusal is a 403 with a body that says why.
 */
export interface Guard {
  token: string;
  /** Derived from the token: the page reads it from its HTML, another origin cannot. */
  csrf: string;
  /** Per port, so two dashboards on one machine do not overwrite each other's cookie. */
  cookieName: () => string;
  middleware: MiddlewareHandler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-omk-csrf';

export function createGuard(token: string, port: () => number): Guard {
  const csrf = createHmac('sha256', token).update('omk-dashboard-csrf').digest('hex');
  // Read at request time: the port is known only once the server listens.
  const cookieName = (): string => `omk_dashboard_${port()}`;
  const middleware: MiddlewareHandler = async (c, next) => {
    const p = port();
    const hosts = new Set([`127.0.0.1:${p}`, `localhost:${p}`]);
    const host = c.req.header('host') ?? '';
    if (!hosts.has(host.toLowerCase())) return refuse(c, `the Host header ${JSON.stringify(host)} is not this dashboard (only 127.0.0.1:${p} or localhost:${p})`);
    const origin = c.req.header('origin');
    if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length).toLowerCase()))) {
      return refuse(c, `requests from the origin ${JSON.stringify(origin)} are not allowed`);
    }
    if (c.req.header('sec-fetch-site') === 'cross-site') return refuse(c, 'cross-site requests are not allowed');

    const fromQuery = c.req.query('token');
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const fromCookie = cookieOf(c.req.header('cookie'), cookieName());
    const presented = fromQuery ?? bearer ?? fromCookie;
    if (presented === undefined || !same(presented, token)) {
      return refuse(c, presented === undefined ? 'no access token' : 'wrong access token', 'open the URL `omk dashboard` printed (it carries ?token=…), or send Authorization: Bearer TOKEN');
    }
    if (fromQuery !== undefined && SAFE_METHODS.has(c.req.method)) {
      // The token leaves the address bar (and history) at once; the cookie carries it from now on.
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      c.header('set-cookie', `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      c.header('cache-control', 'no-store');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    if (!SAFE_METHODS.has(c.req.method)) {
      const sent = c.req.header(CSRF_HEADER);
      if (sent === undefined || !same(sent, csrf)) return refuse(c, `a ${c.req.method} request needs the page's CSRF token (header ${CSRF_HEADER})`);
    }
    await next();
  };
  return { token, csrf, cookieName, middleware };
}

function refuse(c: Context, why: string, hint?: string): Response {
  c.header('cache-control', 'no-store');
  return c.text(`403 Forbidden: ${why}.${hint ? `\n${hint}.` : ''}\n`, 403);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
