import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { goalService } from '../../app/goal-service.js';
import { summarizeEvent } from '../../core/goal/controller/replay.js';
import { goalViewSchema } from '../../core/goal/view/goal-view-schema.js';
import { guarded, toolResult } from '../tool-result.js';
import { callContext, progressReporter } from './context.js';
import { goalRef, verifyOutput } from './schemas.js';

const READ = { readOnlyHint: true, openWorldHint: false } as const;
/** goal_wait's bounds: a client's own request timeout usually ends it first unless progress resets it. */
const WAIT_DEFAULT_S = 300;
const WAIT_MAX_S = 3600;

/** The read-only goal tools, offered in every `[mcp.serve] mode`. */
export function registerGoalReadTools(server: McpServer, ctx: AppContext, onInternal: (e: unknown) => void): void {
  server.registerTool(
    'goal_status',
    { title: 'Goal status', description: "A goal's view: status, tasks, running agents, gates, cost (docs/goal-view.md).", inputSchema: { goal_id: goalRef.default('latest') }, outputSchema: goalViewSchema.shape, annotations: READ },
    async ({ goal_id }, extra) => guarded(async () => toolResult(await goalService(callContext(ctx, extra)).status(goal_id)), onInternal),
  );

  server.registerTool(
    'goal_list',
    {
      title: 'List goals',
      description: 'Every goal of the repository, newest first.',
      inputSchema: {},
      outputSchema: { goals: z.array(z.object({ goal_id: z.string(), status: z.string(), request: z.string(), created_at: z.string(), updated_at: z.string(), needs_resume: z.boolean() })) },
      annotations: READ,
    },
    async (_args, extra) => guarded(async () => toolResult(await goalService(callContext(ctx, extra)).list()), onInternal),
  );

  server.registerTool(
    'goal_wait',
    {
      title: 'Wait for a goal',
      description:
        'Follows a goal until no controller runs it any more (a verdict, paused or cancelled) or `timeout_s` passes. Each committed event is sent as a progress notification when the request carries a progressToken.',
      inputSchema: { goal_id: goalRef, timeout_s: z.number().int().min(1).max(WAIT_MAX_S).default(WAIT_DEFAULT_S).describe(`seconds to wait (at most ${WAIT_MAX_S})`) },
      outputSchema: { goal_id: z.string(), status: z.string(), ended: z.boolean(), timed_out: z.boolean(), view: goalViewSchema },
      annotations: READ,
    },
    async ({ goal_id, timeout_s }, extra) =>
      guarded(async () => {
        const timer = AbortSignal.timeout(timeout_s * 1000);
        const report = progressReporter(extra);
        const end = await goalService(callContext(ctx, extra, timer)).watch(goal_id, {
          onEvent: (event) => report?.(event.seq, `${event.seq} ${event.type}: ${summarizeEvent(event.type, event.payload)}`),
        });
        const ended = end.kind === 'ended';
        return toolResult({ goal_id: end.goal_id, status: end.view.status, ended, timed_out: !ended && timer.aborted, view: end.view });
      }, onInternal),
  );

  server.registerTool(
    'goal_proof',
    {
      title: "A goal's proof",
      description: 'proof.json (parsed) and proof.md, and with `verify` (default) the verdict re-derived from the evidence and every digest and the event chain checked.',
      inputSchema: { goal_id: goalRef.default('latest'), verify: z.boolean().default(true) },
      outputSchema: {
        goal_id: z.string(),
        proof: z.record(z.string(), z.unknown()),
        markdown: z.string(),
        verify: verifyOutput.nullable(),
      },
      annotations: READ,
    },
    async ({ goal_id, verify }, extra) =>
      guarded(async () => {
        const goals = goalService(callContext(ctx, extra));
        const json = await goals.proof(goal_id, 'json');
        const md = await goals.proof(json.goal_id, 'md');
        const report = verify ? await goals.verify(json.goal_id) : null;
        return toolResult({ goal_id: json.goal_id, proof: JSON.parse(json.text) as Record<string, unknown>, markdown: md.text, verify: report });
      }, onInternal),
  );

  server.registerTool(
    'goal_replay',
    {
      title: "Replay a goal's timeline",
      description: 'The goal timeline rendered from its hash-chained event log, from seq `from` on.',
      inputSchema: { goal_id: goalRef.default('latest'), from: z.number().int().min(1).default(1), format: z.enum(['text', 'json', 'md']).default('text') },
      outputSchema: { goal_id: z.string(), format: z.string(), text: z.string() },
      annotations: READ,
    },
    async ({ goal_id, from, format }, extra) =>
      guarded(async () => {
        const replay = await goalService(callContext(ctx, extra)).replay(goal_id, { from, format });
        return toolResult({ ...replay, format }, replay.text);
      }, onInternal),
  );
}
