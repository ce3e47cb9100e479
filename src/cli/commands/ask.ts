import { homedir } from 'node:os';
import { isOmkError, OmkError } from '../../core/errors.js';
import type { AgentEvent, AgentSession, ApproveFn, TurnResult } from '../../engines/session.js';
import { engineAvailability, listEngines, resolveEngine, startEngineSession } from '../../engines/registry/index.js';
import type { EngineSpec } from '../../engines/registry/index.js';
import { createApprovalPolicy } from '../../runtime/approval/index.js';
import { approvalSettings } from '../../runtime/config/approval-config.js';
import { loadConfig } from '../../runtime/config/load-config.js';
import { formatUsageLine } from '../../runtime/cost/index.js';
import { type CliContext, writeJson } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface AskOptions {
  engine?: string;
  json?: boolean;
  showThinking?: boolean;
}

/**
 * `omk ask "PROMPT"`: one read-only turn (approval mode `plan`; the builtin engine offers only its
 * read tools) in the repository root, or cwd outside a repository. The answer streams to stdout as
 * it arrives; tool calls and denials are one-line notes on stderr, thinking too with
 * `--show-thinking`; a usage/cost line ends stderr. Exit 0 on `end_turn`, 130 when cancelled
 * (Ctrl-C), 1 otherwise. `ask` has no goal, so nothing is written to the cost ledger (docs/cost.md).
 */
export async function askCommand(ctx: CliContext, prompt: string, opts: AskOptions = {}): Promise<number> {
  if (prompt.trim() === '') throw new OmkError('usage', 'ask: the prompt is empty', { hint: 'omk ask "what does src/cli/main.ts do?"' });
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const root = ctx.paths.repoRoot ?? ctx.cwd;
  const name = opts.engine ?? config.defaults.engine;
  const spec = resolveEngine(name, config, sources);
  if (opts.engine === undefined) requireDefaultAvailable(spec, config, sources, ctx, root);

  const policy = createApprovalPolicy({
    ...approvalSettings(config, { sessionDir: root, homeDir: ctx.env.HOME ?? homedir(), mode: 'plan' }),
    session: 'ask',
  });
  const approve: ApproveFn = (request, signal) => policy.check(request, { signal, ...(request.toolCallId ? { toolCallId: request.toolCallId } : {}) });

  let session: AgentSession;
  try {
    session = await startEngineSession(spec, { cwd: root, env: ctx.env, approve, mode: 'plan', signal: ctx.signal });
  } catch (error) {
    if (isOmkError(error) && error.code === 'interrupted') {
      ctx.stderr.write('omk: ask cancelled\n');
      return EXIT.interrupted;
    }
    throw error;
  }

  let text = '';
  let result: TurnResult;
  try {
    const turn = session.prompt(prompt, { signal: ctx.signal });
    for await (const event of turn) {
      if (event.type === 'text_delta') {
        text += event.text;
        if (!opts.json) ctx.stdout.write(event.text);
      } else {
        note(ctx, event, opts.showThinking === true);
      }
    }
    result = await turn.result;
  } finally {
    await session.close();
  }

  if (!opts.json && text !== '' && !text.endsWith('\n')) ctx.stdout.write('\n');
  ctx.stderr.write(`${formatUsageLine({ engine: spec.name, model: spec.model, usage: result.usage, costUsd: result.costUsd, priced: spec.pricing !== undefined })}\n`);
  if (opts.json) writeJson(ctx, jsonOf(spec, text, result));

  if (result.stopReason === 'end_turn') return EXIT.ok;
  if (result.stopReason === 'cancelled') {
    ctx.stderr.write('omk: ask cancelled\n');
    return EXIT.interrupted;
  }
  const why = result.error ? `: ${result.error.message}` : '';
  ctx.stderr.write(`omk: the ${spec.name} engine stopped with ${result.stopReason}${why}\n`);
  return EXIT.failure;
}

/** Without `--engine`, a default engine that cannot start is an error that says so, never a silent fallback. */
function requireDefaultAvailable(
  spec: EngineSpec,
  config: Parameters<typeof listEngines>[0],
  sources: Parameters<typeof listEngines>[1],
  ctx: CliContext,
  root: string,
): void {
  const available = engineAvailability(spec, ctx.env, root);
  if (available.installed) return;
  const others = listEngines(config, sources)
    .filter((s) => s.name !== spec.name && engineAvailability(s, ctx.env, root).installed)
    .map((s) => s.name);
  const alternatives = others.length > 0 ? `; installed here: ${others.join(', ')} (use --engine NAME, or omk config set defaults.engine NAME)` : '';
  throw new OmkError(
    spec.protocol === 'openai' ? 'config_invalid' : 'binary_missing',
    `the default engine \`${spec.name}\` (defaults.engine) is not available: ${available.detail}`,
    { hint: `${spec.installHint}${alternatives}` },
  );
}

function note(ctx: CliContext, event: AgentEvent, showThinking: boolean): void {
  switch (event.type) {
    case 'thinking_delta':
      if (showThinking) ctx.stderr.write(event.text);
      return;
    case 'tool_call_started':
      ctx.stderr.write(`· ${event.kind}: ${oneLine(event.command ?? event.title)}\n`);
      return;
    case 'approval_resolved':
      if (event.outcome === 'denied') {
        ctx.stderr.write(`· denied (read-only): ${oneLine(event.request.command ?? event.request.title ?? event.request.kind)}${event.rule ? ` [${event.rule}]` : ''}\n`);
      }
      return;
    case 'notice':
      if (event.level !== 'info') ctx.stderr.write(`· ${event.level}: ${oneLine(event.text)}\n`);
      return;
    default:
      return;
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** `omk ask --json` (docs/engines.md). */
function jsonOf(spec: EngineSpec, text: string, result: TurnResult): Record<string, unknown> {
  return {
    engine: spec.name,
    protocol: spec.protocol,
    model: spec.model ?? null,
    stop_reason: result.stopReason,
    text,
    error: result.error ? { code: result.error.code, message: result.error.message } : null,
    usage: {
      input: result.usage.input,
      output: result.usage.output,
      cache_read: result.usage.cacheRead,
      cache_write: result.usage.cacheWrite,
      exact: result.usage.exact,
    },
    cost_usd: spec.pricing ? result.costUsd : null,
    pricing_source: spec.pricingSource,
  };
}
