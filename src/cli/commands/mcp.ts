import { loadConfig } from '../../app/config.js';
import type { McpServeMode } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { writeJson } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `omk mcp serve [--http [--port N]] [--read-only]`: omk as an MCP server (docs/mcp.md). Over stdio
 * the protocol owns stdout; over HTTP stdout gets one JSON line `{url, token, mode}` once listening,
 * then the server runs until Ctrl-C / SIGTERM.
 */
export async function mcpServeCommand(ctx: CliContext, opts: { http?: boolean; port?: string; readOnly?: boolean }): Promise<number> {
  const { config } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const mode: McpServeMode = opts.readOnly ? 'read-only' : config.mcp.serve.mode;
  if (opts.port !== undefined && !opts.http) throw new OmkError('usage', '--port needs --http (stdio has no port)');
  if (!opts.http) {
    const { serveMcpStdio } = await import('../../mcp/index.js');
    await serveMcpStdio(ctx, { mode });
    return EXIT.ok;
  }
  const port = opts.port === undefined ? config.mcp.serve.port : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OmkError('usage', `--port must be an integer from 0 to 65535, got ${String(opts.port)}`);
  const { startMcpHttpServer } = await import('../../mcp/index.js');
  const server = await startMcpHttpServer(ctx, { mode, port });
  writeJson(ctx, { url: server.url, token: server.token, mode });
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return EXIT.ok;
}
