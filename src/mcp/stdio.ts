import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { AppContext } from '../app/context.js';
import { createOmkMcpServer, type OmkMcpServerOptions } from './server.js';

/**
 * `omk mcp serve` over stdio: JSON-RPC on stdin/stdout, diagnostics on stderr. Resolves when the
 * client closes stdin or `ctx.signal` aborts.
 */
export async function serveMcpStdio(ctx: AppContext, opts: OmkMcpServerOptions, io: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream } = {}): Promise<void> {
  const server = createOmkMcpServer(ctx, opts);
  const transport = new StdioServerTransport(io.stdin as never, io.stdout as never);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    (io.stdin ?? process.stdin).once('end', () => resolve());
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
