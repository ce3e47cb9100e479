import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { mcpToolName } from '../../../core/config/mcp-servers.js';
import { describeError } from '../../../core/errors.js';
import { connectMcpServer, resultText, type ConnectOptions, type McpConnection } from '../../mcp/connect.js';
import type { McpServerSpec } from '../../session.js';
import type { JsonSchema, ToolDefinition } from './schemas.js';
import type { ToolOutcome } from './types.js';

export interface McpToolRef {
  server: string;
  tool: string;
  connection: McpConnection;
}

/**
 * The configured MCP servers' tools, offered to the model as `mcp__SERVER__TOOL` next to the builtin
 * six. A server that cannot be reached is reported (`onProblem`) and left out; the session goes on.
 */
export class McpToolset {
  private readonly byName = new Map<string, McpToolRef & { definition: ToolDefinition }>();

  private constructor(private readonly connections: McpConnection[]) {
    for (const c of connections) {
      for (const tool of c.tools) {
        const name = mcpToolName(c.name, tool.name);
        if (!this.byName.has(name)) this.byName.set(name, { server: c.name, tool: tool.name, connection: c, definition: definitionOf(name, c.name, tool) });
      }
    }
  }

  static async connect(servers: readonly McpServerSpec[], opts: ConnectOptions, onProblem: (message: string) => void): Promise<McpToolset> {
    const settled = await Promise.allSettled(servers.map((s) => connectMcpServer(s, opts)));
    const connections: McpConnection[] = [];
    for (const s of settled) {
      if (s.status === 'fulfilled') connections.push(s.value);
      else onProblem(describeError(s.reason));
    }
    return new McpToolset(connections);
  }

  definitions(): ToolDefinition[] {
    return [...this.byName.values()].map((t) => t.definition);
  }

  lookup(name: string): McpToolRef | undefined {
    return this.byName.get(name);
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }
}

/** Calls the tool; a failure of the server is a failed outcome the model reads, never a throw. */
export async function callMcpTool(ref: McpToolRef, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  try {
    const result = await ref.connection.call(ref.tool, args, signal);
    return { output: resultText(result), isError: result.isError === true };
  } catch (error) {
    return { output: `MCP server ${ref.server}: ${ref.tool} failed: ${describeError(error)}`, isError: true };
  }
}

/** MCP's JSON Schema as an OpenAI function's parameters; every property gets a `type` (Moonshot rejects schemas without). */
function definitionOf(name: string, server: string, tool: Tool): ToolDefinition {
  const description = `[MCP server ${server}] ${tool.description ?? tool.title ?? tool.name}`.slice(0, 1024);
  return { type: 'function', function: { name, description, parameters: withTypes({ ...tool.inputSchema, type: 'object' }) as unknown as JsonSchema } };
}

function withTypes(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...schema };
  if (out.type === undefined) out.type = out.properties ? 'object' : 'string';
  if (out.properties && typeof out.properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(out.properties as Record<string, Record<string, unknown>>).map(([k, v]) => [k, withTypes(v)]));
  }
  if (out.items && typeof out.items === 'object' && !Array.isArray(out.items)) out.items = withTypes(out.items as Record<string, unknown>);
  return out;
}
