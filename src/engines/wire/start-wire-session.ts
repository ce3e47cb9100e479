import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { OmkError } from '../../core/errors.js';
import { allowlistEnv } from '../../runtime/process/index.js';
import type { StartSession } from '../session.js';
import { ProcessTransport } from '../transport/process-transport.js';
import { RecordingTransport } from '../transport/recording-transport.js';
import { wireStreamedText } from '../transport/streamed-text.js';
import type { Transport } from '../transport/transport.js';
import { WIRE_ERROR } from './errors.js';
import { obj, str } from '../loose.js';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_INSTALL_HINT,
  defaultWireArgs,
  LEGACY_WIRE_PROTOCOL_VERSION,
  WIRE_PROTOCOL_VERSION,
} from './options.js';
import type { WireSession, WireSessionOptions } from './options.js';
import { WireSessionImpl } from './wire-session.js';

/** How many non-JSON handshake lines we quote in an error. */
const GARBAGE_QUOTED = 3;

/**
 * Starts a Kimi Wire agent (`kimi --wire`, kimi-agent) or connects to `options.transport`, runs
 * `initialize` (falling back to legacy mode when the agent answers -32601) and returns the session.
 * Throws `OmkError`:
 * - `binary_missing`: the binary is not installed (the hint says how to install or configure it);
 * - `not_found`: the work dir does not exist;
 * - `failed`: the handshake failed: the agent exited, answered `initialize` with an error, or did not
 *   answer within `handshakeTimeoutMs` (non-JSON lines it wrote are quoted);
 * - `interrupted`: `options.signal` aborted.
 * In every failure case the agent process is stopped before the throw.
 */
export async function startWireSession(options: WireSessionOptions): Promise<WireSession> {
  const sessionId = options.sessionId ?? randomUUID();
  const command = options.command ?? 'kimi';
  const args =
    options.args ??
    defaultWireArgs({
      cwd: options.cwd,
      sessionId,
      ...pick(options, ['model', 'thinking', 'planMode', 'maxStepsPerTurn', 'mcpServers', 'extraArgs']),
    });
  const commandLine = options.transport ? '(transport)' : [command, ...args].join(' ');
  let transport: Transport = options.transport ?? processTransport(options, command, args);
  if (options.transcriptFile) {
    transport = new RecordingTransport(transport, {
      file: options.transcriptFile,
      meta: { engine: options.engine, protocol: 'wire', command: commandLine, cwd: options.cwd, sessionId },
      streamedText: wireStreamedText,
    });
  }
  const session = new WireSessionImpl(transport, options, sessionId);
  const garbage: string[] = [];
  const quoted = (): string =>
    garbage.length === 0 ? '' : `; it wrote ${garbage.length} non-JSON line(s), first: ${garbage.slice(0, GARBAGE_QUOTED).map((l) => JSON.stringify(l.slice(0, 200))).join(', ')}`;
  const failed = (why: string, retryable = false): OmkError =>
    new OmkError('failed', `engine \`${options.engine}\`: Wire handshake with \`${commandLine}\` failed: ${why}${quoted()}`, {
      hint: `Run \`${commandLine}\` by hand to see whether it starts and speaks Kimi Wire (JSON-RPC) on stdio.`,
      retryable,
    });
  const failure = deferred<never>();
  session.handshake = {
    onGarbage: (line) => garbage.push(line),
    onExit: (info) => failure.reject(failed(session.exitMessage(info))),
  };
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const timer = setTimeout(() => failure.reject(failed(`no answer to \`initialize\` within ${timeoutMs} ms (handshakeTimeoutMs)`, true)), timeoutMs);
  const onAbort = (): void => failure.reject(new OmkError('interrupted', `engine \`${options.engine}\`: start cancelled`));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  try {
    try {
      await Promise.race([transport.start(), failure.promise]);
    } catch (error) {
      if (error instanceof OmkError && error.code === 'binary_missing') {
        throw new OmkError('binary_missing', `engine \`${options.engine}\`: Kimi Wire binary \`${command}\` was not found`, {
          hint: options.installHint ?? DEFAULT_INSTALL_HINT,
          cause: error,
        });
      }
      throw error;
    }
    const params = {
      protocol_version: WIRE_PROTOCOL_VERSION,
      client: options.clientInfo ?? { name: 'omk', version: '0.0.0' },
      capabilities: { supports_question: false, supports_plan_mode: false, ...options.capabilities },
    };
    const outcome = await Promise.race([session.rpc.request('initialize', params), failure.promise]);
    if (outcome.ok) {
      const result = obj(outcome.result) ?? {};
      const server = obj(result.server);
      const agentVersion = str(server?.version);
      session.info = {
        protocol: 'wire',
        engine: options.engine,
        agentName: str(server?.name) ?? options.engine,
        ...(agentVersion !== undefined ? { agentVersion } : {}),
        protocolVersion: str(result.protocol_version) ?? WIRE_PROTOCOL_VERSION,
        capabilities: {
          ...obj(result.capabilities),
          ...(result.slash_commands !== undefined ? { slash_commands: result.slash_commands } : {}),
          ...(result.hooks !== undefined ? { hooks: result.hooks } : {}),
        },
      };
    } else if (outcome.local === 'closed') {
      // The agent exited: `failure` already carries the exit status and stderr.
      await failure.promise;
      throw failed('the connection closed before `initialize` was answered');
    } else if (outcome.error.code === WIRE_ERROR.METHOD_NOT_FOUND) {
      // A CLI older than Wire 1.1 has no `initialize`; `prompt` works without it (legacy mode).
      session.info = {
        protocol: 'wire',
        engine: options.engine,
        agentName: options.engine,
        protocolVersion: LEGACY_WIRE_PROTOCOL_VERSION,
        capabilities: { legacy: true },
      };
    } else {
      throw failed(`\`initialize\` answered error ${outcome.error.code}: ${outcome.error.message}`);
    }
    session.handshake = undefined;
    return session;
  } catch (error) {
    session.handshake = undefined;
    await session.close();
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** `startWireSession` is a `StartSession` (its sessions have Wire's extra controls on top). */
export const startWire: StartSession<WireSessionOptions> = startWireSession;

function processTransport(options: WireSessionOptions, command: string, args: string[]): Transport {
  let isDir = false;
  try {
    isDir = statSync(options.cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new OmkError('not_found', `engine \`${options.engine}\`: work dir ${options.cwd} does not exist or is not a directory`, {
      hint: 'Pass the absolute path of an existing directory (the task worktree) as cwd.',
    });
  }
  return new ProcessTransport({
    command,
    args,
    cwd: options.cwd,
    env: allowlistEnv(options.sourceEnv ?? process.env, options.passEnv ?? [], { KIMI_CLI_NO_AUTO_UPDATE: '1', ...options.env }),
    ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
    ...(options.onStderr ? { onStderr: options.onStderr } : {}),
  });
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

function deferred<T>(): { promise: Promise<T>; reject: (error: Error) => void } {
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((_resolve, rej) => (reject = rej));
  promise.catch(() => {});
  return { promise, reject };
}
