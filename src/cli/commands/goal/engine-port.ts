import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { isOmkError } from '../../../core/errors.js';
import type { EngineSpec } from '../../../engines/registry/index.js';
import { startEngineSession } from '../../../engines/registry/index.js';
import type { AgentEvent, AgentSession } from '../../../engines/session.js';
import type { AgentTurnOutcome, AgentTurnRequest, EnginePort } from '../../../runtime/goal/index.js';

/**
 * The goal driver's EnginePort over the engine registry: one session per turn, closed afterwards.
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
          mode: req.mode,
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
        for await (const event of turn) {
          if (!recordsItself) await appendFile(req.transcriptFile, `${JSON.stringify(event)}\n`);
          if (event.type === 'text_delta') text += event.text;
          const line = activity(event);
          if (line) req.onActivity?.(line);
        }
        const result = await turn.result;
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
