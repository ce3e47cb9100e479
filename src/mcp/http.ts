import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AppContext } from '../app/context.js';
import { describeError, OmkError } from '../core/errors.js';
import { createOmkMcpServer, type OmkMcpServerOptions } from './server.js';

export const MCP_PATH = '/mcp';
/** When set, the token `omk mcp serve --http` requires (so a client's config can name it ahead); else a random one. */
export const MCP_TOKEN_ENV = 'OMK_MCP_TOKEN';

export interface McpHttpServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * `omk mcp serve --http`: Streamable HTTP on 127.0.0.1 only, every request carrying
 * `Authorization: Bearer TOKEN` (none: 401, wrong: 403), Host and Origin checked against the bound
 * address (DNS rebinding). Stateless: each POST gets its own server and transport, so nothing is kept
 * between requests and a client that disappears leaves nothing behind.
 */
export async function startMcpHttpServer(ctx: AppContext, opts: OmkMcpServerOptions & { port: number }): Promise<McpHttpServer> {
  const token = tokenFrom(ctx.env);
  let port = opts.port;
  const http: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      ctx.log.error(`mcp http: ${describeError(error)}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refusal = refuse(req, token, port);
    if (refusal) return send(res, refusal.status, { error: refusal.message }, refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="omk"' } : {});
    if (req.method !== 'POST') return send(res, 405, { error: 'this server is stateless: POST JSON-RPC to /mcp' }, { allow: 'POST' });
    const server = createOmkMcpServer(ctx, opts);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(new OmkError(error.code === 'EADDRINUSE' ? 'usage' : 'io', `cannot listen on 127.0.0.1:${opts.port}: ${error.message}`, { hint: 'pick another --port (0 picks a free one)' })),
    );
    http.listen(opts.port, '127.0.0.1', resolve);
  });
  port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function tokenFrom(env: AppContext['env']): string {
  const fixed = env[MCP_TOKEN_ENV];
  if (fixed === undefined || fixed === '') return randomBytes(24).toString('hex');
  if (fixed.length < 16) throw new OmkError('usage', `${MCP_TOKEN_ENV} must be at least 16 characters`, { hint: `unset it for a random token, or set a longer one` });
  return fixed;
}

/** Why a request is refused before it reaches MCP, or undefined. */
function refuse(req: IncomingMessage, token: string, port: number): { status: number; message: string } | undefined {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== MCP_PATH) return { status: 404, message: `not found; the MCP endpoint is ${MCP_PATH}` };
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes(req.headers.host ?? '')) return { status: 403, message: 'unexpected Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) return { status: 403, message: 'cross-origin requests are refused' };
  const auth = req.headers.authorization;
  if (auth === undefined || !/^Bearer\s+/i.test(auth)) return { status: 401, message: 'missing bearer token' };
  if (!sameSecret(auth.replace(/^Bearer\s+/i, '').trim(), token)) return { status: 403, message: 'wrong token' };
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
