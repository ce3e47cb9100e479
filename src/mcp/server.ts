import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AppContext } from '../app/context.js';
import type { McpServeMode } from '../core/config/types.js';
import { describeError } from '../core/errors.js';
import { registerGoalResources } from './resources.js';
import { registerGoalControlTools } from './tools/goal-control.js';
import { registerGoalReadTools } from './tools/goal-read.js';
import { registerWorkTools } from './tools/work.js';

export interface OmkMcpServerOptions {
  /** `[mcp.serve] mode`: `read-only` offers only the tools that read (docs/mcp.md). */
  mode: McpServeMode;
}

/**
 * omk as an MCP server: the goal tools, `gates_run`, `ask`, and each goal's proof and timeline as
 * resources. A surface over app/ like the CLI: every tool calls the goal service or another use case.
 */
export function createOmkMcpServer(ctx: AppContext, opts: OmkMcpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'omk', version: ctx.version, title: 'omk: goals judged by gates, closed with a proof' },
    { capabilities: { tools: {}, resources: {}, logging: {} }, instructions: INSTRUCTIONS },
  );
  const onInternal = (error: unknown): void => ctx.log.error(`mcp: internal error in a tool: ${describeError(error)}`);
  registerGoalReadTools(server, ctx, onInternal);
  if (opts.mode === 'full') {
    registerGoalControlTools(server, ctx, onInternal);
    registerWorkTools(server, ctx, onInternal);
  }
  registerGoalResources(server, ctx);
  return server;
}

const INSTRUCTIONS = [
  'omk runs coding goals: goal_run starts one in the background and returns its id; goal_wait follows it to a verdict',
  '(ready, not_ready, blocked_on_human, ...) with progress notifications; goal_proof returns the proof and re-checks it.',
  'Resources omk://goals/{goal_id}/proof.json, proof.md and timeline hold the evidence.',
].join(' ');
