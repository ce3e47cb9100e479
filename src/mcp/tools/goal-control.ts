import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { goalService } from '../../app/goal-service.js';
import { guarded, toolResult } from '../tool-result.js';
import { callContext } from './context.js';
import { controlOutput, decisionOutput, detachedOutput, goalRef } from './schemas.js';

const ACT = { readOnlyHint: false, destructiveHint: false, openWorldHint: false } as const;
const reason = z.string().max(2000).optional().describe('why, recorded in the goal log');

/** The tools that start or change goals: offered only in `[mcp.serve] mode = "full"`. */
export function registerGoalControlTools(server: McpServer, ctx: AppContext, onInternal: (e: unknown) => void): void {
  server.registerTool(
    'goal_run',
    {
      title: 'Run a goal',
      description:
        'Starts a goal in the background (like `omk goal run --detach`) and returns its id at once; follow it with goal_wait. The goal plans, runs agents in worktrees, judges them with the configured gates and closes with a proof.',
      inputSchema: {
        request: z.string().trim().min(1).max(20_000).describe('what to achieve, in words'),
        engine: z.string().min(1).optional().describe('an engine name (default: defaults.engine)'),
        gates: z.array(z.string().min(1)).optional().describe('only these gates (default: every configured or detected gate)'),
        base: z.string().min(1).optional().describe('the commit or branch to start from'),
        max_agents: z.number().int().min(1).max(64).optional(),
        until_ready: z.boolean().optional().describe('keep attempting until the goal is ready or a budget runs out'),
        budget_time: z.string().optional().describe('e.g. "30m"'),
        budget_tokens: z.number().int().positive().optional(),
        budget_usd: z.number().nonnegative().optional(),
      },
      outputSchema: detachedOutput,
      annotations: { ...ACT, openWorldHint: true },
    },
    async (args, extra) =>
      guarded(async () => {
        const started = await goalService(callContext(ctx, extra)).runDetached(args.request, {
          ...(args.engine ? { engine: args.engine } : {}),
          ...(args.gates ? { gates: args.gates.join(',') } : {}),
          ...(args.base ? { base: args.base } : {}),
          ...(args.max_agents !== undefined ? { maxAgents: String(args.max_agents) } : {}),
          ...(args.until_ready ? { untilReady: true } : {}),
          ...(args.budget_time !== undefined ? { budgetTime: args.budget_time } : {}),
          ...(args.budget_tokens !== undefined ? { budgetTokens: String(args.budget_tokens) } : {}),
          ...(args.budget_usd !== undefined ? { budgetUsd: String(args.budget_usd) } : {}),
        });
        return toolResult({ ...started, pid: started.pid ?? null });
      }, onInternal),
  );

  for (const kind of ['pause', 'cancel'] as const) {
    server.registerTool(
      `goal_${kind}`,
      {
        title: kind === 'pause' ? 'Pause a goal' : 'Cancel a goal',
        description: kind === 'pause' ? 'Its controller stops within a second; goal_resume continues it.' : 'Stops the goal for good (cancel is terminal).',
        inputSchema: { goal_id: goalRef, reason },
        outputSchema: controlOutput,
        annotations: { ...ACT, destructiveHint: kind === 'cancel' },
      },
      async ({ goal_id, reason: why }, extra) =>
        guarded(async () => {
          const goals = goalService(callContext(ctx, extra));
          const opts = why ? { reason: why } : {};
          return toolResult(kind === 'pause' ? await goals.pause(goal_id, opts) : await goals.cancel(goal_id, opts));
        }, onInternal),
    );
  }

  server.registerTool(
    'goal_resume',
    {
      title: 'Resume a goal',
      description: 'Continues a paused or interrupted goal in the background and returns at once; follow it with goal_wait.',
      inputSchema: { goal_id: goalRef, engine: z.string().min(1).optional() },
      outputSchema: detachedOutput,
      annotations: ACT,
    },
    async ({ goal_id, engine }, extra) =>
      guarded(async () => {
        const started = await goalService(callContext(ctx, extra)).resumeDetached(goal_id, engine ? { engine } : {});
        return toolResult({ ...started, pid: started.pid ?? null });
      }, onInternal),
  );

  for (const kind of ['accept', 'reject'] as const) {
    server.registerTool(
      `goal_${kind}`,
      {
        title: kind === 'accept' ? 'Accept a goal' : 'Reject a goal',
        description: `Records a human ${kind === 'accept' ? 'acceptance' : 'rejection'} as evidence and re-derives the proof${kind === 'accept' ? ' (it never stands in for missing evidence)' : ''}.`,
        inputSchema: { goal_id: goalRef, summary: z.string().trim().min(1).max(2000).describe(kind === 'accept' ? 'what was accepted, in a sentence' : 'why it is rejected') },
        outputSchema: decisionOutput,
        annotations: ACT,
      },
      async ({ goal_id, summary }, extra) => guarded(async () => toolResult(await goalService(callContext(ctx, extra)).decide(goal_id, kind, summary)), onInternal),
    );
  }
}
