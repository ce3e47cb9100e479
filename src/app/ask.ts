import { homedir } from 'node:os';
import { isOmkError, OmkError } from '../core/errors.js';
import type { AgentEvent, AgentSession, ApproveFn, TurnResult } from '../engines/session.js';
import { engineAvailability, listEngines, resolveEngine, startEngineSession } from '../engines/registry/index.js';
import type { EngineSpec } from '../engines/registry/index.js';
import { createApprovalPolicy } from '../runtime/approval/index.js';
import { approvalSettings } from '../runtime/config/approval-config.js';
import { loadConfig } from '../runtime/config/load-config.js';
import { formatUsageLine } from '../runtime/cost/index.js';
import type { AppContext } from './context.js';

export type { AgentEvent } from '../engines/session.js';

export interface AskAnswer {
  /** `omk ask --json` (docs/engines.md). */
  json: {
    engine: string;
    protocol: string;
    model: string | null;
    stop_reason: string;
    text: string;
    error: { code: string; message: string } | null;
    usage: { input: number; output: number; cache_read: number; cache_write: number; exact: boolean };
    cost_usd: number | null;
    pricing_source: string;
  };
  /** `engine model: N in / M out tokens, $X` for a human. */
  usageLine: string;
  /** The turn was started (false: cancelled before the session came up). */
  started: boolean;
}

/**
 * One read-only agent turn (approval mode `plan`; the builtin engine offers only its read tools) in the
 * repository root, or cwd outside a repository. Every event reaches `onEvent` as it arrives (the CLI
 * streams the text; the REPL renders it). `ask` has no goal, so nothing goes to the cost ledger.
 */
export async function askOnce(ctx: AppContext, prompt: string, opts: { engine?: string; onEvent?: (event: AgentEvent) => void; signal?: AbortSignal } = {}): Promise<AskAnswer> {
  if (prompt.trim() === '') throw new OmkError('usage', 'ask: the prompt is empty', { hint: 'omk ask "what does src/cli/main.ts do?"' });
  const signal = opts.signal ?? ctx.signal;
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const root = ctx.paths.repoRoot ?? ctx.cwd;
  const spec = resolveEngine(opts.engine ?? config.defaults.engine, config, sources);
  if (opts.engine === undefined) requireDefaultAvailable(spec, config, sources, ctx, root);

  const policy = createApprovalPolicy({ ...approvalSettings(config, { sessionDir: root, homeDir: ctx.env.HOME ?? homedir(), mode: 'plan' }), session: 'ask' });
  const approve: ApproveFn = (request, s) => policy.check(request, { signal: s, ...(request.toolCallId ? { toolCallId: request.toolCallId } : {}) });

  let session: AgentSession;
  try {
    session = await startEngineSession(spec, { cwd: root, env: ctx.env, approve, mode: 'plan', signal });
  } catch (error) {
    if (isOmkError(error) && error.code === 'interrupted') return cancelledBeforeStart(spec);
    throw error;
  }
  let text = '';
  let result: TurnResult;
  try {
    const turn = session.prompt(prompt, { signal });
    for await (const event of turn) {
      if (event.type === 'text_delta') text += event.text;
      opts.onEvent?.(event);
    }
    result = await turn.result;
  } finally {
    await session.close();
  }
  return {
    json: jsonOf(spec, text, result),
    usageLine: formatUsageLine({ engine: spec.name, model: spec.model, usage: result.usage, costUsd: result.costUsd, priced: spec.pricing !== undefined }),
    started: true,
  };
}

function cancelledBeforeStart(spec: EngineSpec): AskAnswer {
  const zero = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, exact: true };
  return { json: jsonOf(spec, '', { stopReason: 'cancelled', usage: zero, costUsd: 0 }), usageLine: '', started: false };
}

/** Without `--engine`, a default engine that cannot start is an error that says so, never a silent fallback. */
function requireDefaultAvailable(spec: EngineSpec, config: Parameters<typeof listEngines>[0], sources: Parameters<typeof listEngines>[1], ctx: Pick<AppContext, 'env'>, root: string): void {
  const available = engineAvailability(spec, ctx.env, root);
  if (available.installed) return;
  const others = listEngines(config, sources)
    .filter((s) => s.name !== spec.name && engineAvailability(s, ctx.env, root).installed)
    .map((s) => s.name);
  const alternatives = others.length > 0 ? `; installed here: ${others.join(', ')} (use --engine NAME, or omk config set defaults.engine NAME)` : '';
  throw new OmkError(spec.protocol === 'openai' ? 'config_invalid' : 'binary_missing', `the default engine \`${spec.name}\` (defaults.engine) is not available: ${available.detail}`, {
    hint: `${spec.installHint}${alternatives}`,
  });
}

function jsonOf(spec: EngineSpec, text: string, result: TurnResult): AskAnswer['json'] {
  return {
    engine: spec.name,
    protocol: spec.protocol,
    model: spec.model ?? null,
    stop_reason: result.stopReason,
    text,
    error: result.error ? { code: result.error.code, message: result.error.message } : null,
    usage: { input: result.usage.input, output: result.usage.output, cache_read: result.usage.cacheRead, cache_write: result.usage.cacheWrite, exact: result.usage.exact },
    cost_usd: spec.pricing ? result.costUsd : null,
    pricing_source: spec.pricingSource,
  };
}
