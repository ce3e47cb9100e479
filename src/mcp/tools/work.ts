import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { askOnce } from '../../app/ask.js';
import type { AppContext } from '../../app/context.js';
import { describeRun, runWorkingTreeGates } from '../../app/gates.js';
import { guarded, toolResult } from '../tool-result.js';
import { callContext, progressReporter } from './context.js';

/** `gates_run` and `ask`: they run configured commands or an agent turn, so only `mode = "full"` offers them. */
export function registerWorkTools(server: McpServer, ctx: AppContext, onInternal: (e: unknown) => void): void {
  server.registerTool(
    'gates_run',
    {
      title: 'Run gates',
      description: "Runs the repository's gates (configured in .omk/config.toml or detected; never taken from the caller) on the working tree, uncommitted changes included.",
      inputSchema: { gates: z.array(z.string().min(1)).default([]).describe('gate names (default: every active gate)'), cache: z.boolean().default(true).describe('reuse a passing run on the same tree') },
      outputSchema: { tree_sha: z.string(), passed: z.boolean(), summary: z.record(z.string(), z.unknown()), runs: z.array(z.record(z.string(), z.unknown())), skipped: z.array(z.string()) },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async ({ gates, cache }, extra) =>
      guarded(async () => {
        const report = progressReporter(extra);
        let n = 0;
        const result = await runWorkingTreeGates(callContext(ctx, extra), gates, { cache, onRun: (run) => report?.(++n, describeRun(run)) });
        return toolResult({ tree_sha: result.tree_sha, passed: result.summary.passed, summary: result.summary, runs: result.runs, skipped: result.skipped });
      }, onInternal),
  );

  server.registerTool(
    'ask',
    {
      title: 'Ask an agent',
      description: 'One read-only agent turn in the repository (approval mode plan): the answer text, usage and cost.',
      inputSchema: { prompt: z.string().trim().min(1).max(50_000), engine: z.string().min(1).optional() },
      outputSchema: {
        engine: z.string(),
        protocol: z.string(),
        model: z.string().nullable(),
        stop_reason: z.string(),
        text: z.string(),
        error: z.object({ code: z.string(), message: z.string() }).nullable(),
        usage: z.record(z.string(), z.unknown()),
        cost_usd: z.number().nullable(),
        pricing_source: z.string(),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async ({ prompt, engine }, extra) =>
      guarded(async () => {
        const answer = await askOnce(callContext(ctx, extra), prompt, engine ? { engine } : {});
        return toolResult(answer.json, answer.json.text);
      }, onInternal),
  );
}
