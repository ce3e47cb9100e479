import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { describeError, OmkError } from '../../core/errors.js';
import { redactSecrets } from '../../core/redact.js';
import { allowlistEnv } from '../../runtime/process/index.js';
import type { McpServerSpec } from '../session.js';
import { McpStdioTransport } from './stdio-transport.js';

/** How long a configured server has to answer `initialize` and `tools/list`. */
export const MCP_CONNECT_TIMEOUT_MS = 20_000;
/** How long one tool call may take. */
export const MCP_CALL_TIMEOUT_MS = 120_000;

export interface McpConnection {
  name: string;
  /** What the server says it is (`serverInfo`). */
  server: { name: string; version: string } | undefined;
  tools: Tool[];
  call(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Where a stdio server runs (the session directory). */
  cwd: string;
  /** omk's environment: a stdio server gets the base allowlist of it plus its own `env`. */
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Connects to one configured MCP server (stdio child, Streamable HTTP, or SSE) and lists its tools.
 * Throws `OmkError('failed')` naming the server and what went wrong (its stderr tail for a child).
 */
export async function connectMcpServer(spec: McpServerSpec, opts: ConnectOptions): Promise<McpConnection> {
  const client = new Client({ name: 'omk', version: '1' });
  const timeout = opts.timeoutMs ?? MCP_CONNECT_TIMEOUT_MS;
  let stdio: McpStdioTransport | undefined;
  try {
    if ('url' in spec) {
      const requestInit = { headers: spec.headers ?? {} };
      if (spec.type === 'sse') {
        const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
        await client.connect(new SSEClientTransport(new URL(spec.url), { requestInit }), { timeout, ...(opts.signal ? { signal: opts.signal } : {}) });
      } else {
        const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
        await client.connect(new StreamableHTTPClientTransport(new URL(spec.url), { requestInit }), { timeout, ...(opts.signal ? { signal: opts.signal } : {}) });
      }
    } else {
      stdio = new McpStdioTransport({ command: spec.command, args: spec.args ?? [], cwd: opts.cwd, env: { ...allowlistEnv(opts.env, []), ...(spec.env ?? {}) } });
      await client.connect(stdio, { timeout, ...(opts.signal ? { signal: opts.signal } : {}) });
    }
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { timeout, ...(opts.signal ? { signal: opts.signal } : {}) });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    const info = client.getServerVersion();
    return {
      name: spec.name,
      server: info ? { name: info.name, version: info.version } : undefined,
      tools,
      call: async (tool, args, signal) =>
        (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: MCP_CALL_TIMEOUT_MS, ...(signal ? { signal } : {}) })) as CallToolResult,
      close: () => client.close().catch(() => undefined),
    };
  } catch (error) {
    const tail = stdio?.stderrTail().trim();
    await client.close().catch(() => undefined);
    if (error instanceof OmkError) throw error;
    const where = 'url' in spec ? spec.url.replace(/\?.*$/, '') : spec.command;
    throw new OmkError('failed', redactSecrets(`MCP server \`${spec.name}\` (${where}): ${describeError(error)}${tail ? `; its stderr: ${tail.slice(-500)}` : ''}`), {
      hint: `check [mcp.servers.${spec.name}] in your config (omk mcp list shows each server's health)`,
      cause: error,
    });
  }
}

/** A tool result as the text a model reads: text blocks as they are, anything else summarised. */
export function resultText(result: CallToolResult): string {
  const parts = result.content.map((c) => {
    if (c.type === 'text') return c.text;
    if (c.type === 'resource') return 'text' in c.resource ? c.resource.text : `[resource ${c.resource.uri}]`;
    if (c.type === 'resource_link') return `[resource ${c.uri}]`;
    return `[${c.type} content]`;
  });
  if (parts.length === 0 && result.structuredContent) parts.push(JSON.stringify(result.structuredContent));
  return parts.join('\n');
}
