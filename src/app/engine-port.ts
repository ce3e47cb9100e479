import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigSource, OmkConfig } from '../core/config/types.js';
import { isOmkError } from '../core/errors.js';
import type { EngineSpec } from '../engines/registry/index.js';
import { resolveEngine, startEngineSession } from '../engines/registry/index.js';
import { addUsage, costOf, zeroUsage, type AgentEvent, type AgentSession, type TokenUsage } from '../engines/session.js';
import type { AgentTurnOutcome, AgentTurnRequest, EnginePort } from '../runtime/goal/index.js';
import { LiveActivityMapper } from './live-activity.js';

/**
 * The goal driver's EnginePort over the engine registry (runtime may not import engines; app assembles them): one session per turn, closed afterwards.
 * ACP and Wire sessions record their protocol transcript themselves (`transcriptFile`); for the
 * builtin engine, which has no protocol stream, omk writes the normalised agent events instead.
 */
export function registryEnginePort(spec: EngineSpec, env: Readonly<Record<string, string | undefined>>): EnginePort {
  return {
    name: spec.name,
    async runTurn(req: AgentTurnRequest): Promise<AgentTurnOutcome> {
      await mkdir(path.dirname(req.transcriptFile), { recursive: true });
      const recordsItself = spec.protocol === 'acp' || spec.protocol === 'wire';
      let session: AgentSession;
      try {
        session = await startEngineSession(spec, {
          cwd: req.cwd,
          env,
          approve: (request, signal) => req.approve(request, signal),
          // Only an executor may write: a planner or reviewer session is read-only whatever mode it asks for.
          mode: req.role === 'executor' ? req.mode : 'plan',
          signal: req.signal,
          ...(recordsItself ? { transcriptFile: req.transcriptFile } : {}),
        });
      } catch (error) {
        if (!isOmkError(error) || error.code === 'interrupted') throw error;
        const kind = error.code === 'config_invalid' ? 'credentials' : error.code === 'binary_missing' ? 'other' : 'service';
        return { started: false, kind, detail: error.message };
      }
      try {
        const turn = session.prompt(req.prompt, { signal: req.signal });
        let text = '';
        // Progressive usage for the budget's between-turn check: per model call (builtin, Wire), at the end (ACP).
        let usage: TokenUsage = zeroUsage();
        // Transcript lines are written in order but not awaited one by one, so this loop keeps up with the
        // agent and a usage report reaches onUsage before the agent's next model call.
        let writes: Promise<void> = Promise.resolve();
        let writeError: Error | undefined;
        const live = req.onLive ? new LiveActivityMapper(req.onLive) : undefined;
        for await (const event of turn) {
          if (event.type === 'usage' && event.turn) {
            usage = addUsage(usage, event.turn);
            const costUsd = costOf(usage, spec.pricing);
            req.onUsage?.({ input: usage.input, output: usage.output, cacheRead: usage.cacheRead, cacheWrite: usage.cacheWrite, exact: usage.exact, costUsd });
            live?.usage(usage, spec.pricing ? costUsd : null);
          }
          live?.event(event);
          if (!recordsItself) {
            const record = `${JSON.stringify(event)}\n`;
            writes = writes.then(() => appendFile(req.transcriptFile, record)).catch((error: unknown) => void (writeError ??= error instanceof Error ? error : new Error(String(error))));
          }
          if (event.type === 'text_delta') text += event.text;
          const line = activity(event);
          if (line) req.onActivity?.(line);
        }
        live?.end();
        const result = await turn.result;
        await writes;
        if (writeError !== undefined) throw writeError;
        return {
          started: true,
          stopReason: result.stopReason,
          ...(result.error ? { errorMessage: result.error.message } : {}),
          text,
          usage: result.usage,
          costUsd: result.costUsd,
          model: spec.model,
        };
      } finally {
        await session.close();
      }
    },
  };
}

function activity(event: AgentEvent): string | undefined {
  if (event.type === 'tool_call_started') return `${event.kind}: ${(event.command ?? event.title).replace(/\s+/g, ' ').slice(0, 120)}`;
  if (event.type === 'approval_resolved' && event.outcome === 'denied') return `denied ${event.request.kind}${event.rule ? ` [${event.rule}]` : ''}`;
  return undefined;
}

/** `defaults.reviewer_engine` that turns reviewer agents off: the review wall is the deterministic checks only. */
export const NO_REVIEWER_ENGINE = 'none';

/**
 * The review wall's reviewer (docs/review-wall.md): `defaults.reviewer_engine` when set (`"none"`: no
 * reviewer agent), else the executor's own port — so `--engine` picks the reviewer too unless config says otherwise.
 */
export function reviewerEnginePort(
  executor: EnginePort,
  config: Pick<OmkConfig, 'defaults' | 'engines'>,
  sources: ReadonlyMap<string, ConfigSource> | undefined,
  env: Readonly<Record<string, string | undefined>>,
): EnginePort | undefined {
  const name = config.defaults.reviewer_engine;
  if (name === undefined || name === executor.name) return executor;
  if (name === NO_REVIEWER_ENGINE) return undefined;
  return registryEnginePort(resolveEngine(name, config, sources), env);
}
