import { RequestError } from '@agentclientprotocol/sdk';
import { describeError, OmkError } from '../../core/errors.js';
import { allowlistEnv } from '../../runtime/process/index.js';
import type { AgentSession, McpServerSpec } from '../session.js';
import { ProcessTransport } from '../transport/process-transport.js';
import { RecordingTransport } from '../transport/recording-transport.js';
import type { Transport, TransportCloseInfo } from '../transport/transport.js';
import { AcpSession } from './acp-session.js';
import { num, obj, str } from '../loose.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from './options.js';
import type { AcpSessionOptions } from './options.js';

/** The ACP protocol version omk speaks. */
export const ACP_PROTOCOL_VERSION = 1;

/**
 * Starts an ACP agent (or connects to `options.transport`), runs `initialize` and `session/new`, and
 * returns the session. Throws `OmkError`:
 * - `binary_missing`: the agent's binary is not installed (the hint says how to install it);
 * - `blocked`: the agent needs a login (`auth_required`);
 * - `failed`: the handshake failed: the agent exited, wrote garbage, answered with an error or an
 *   unsupported protocol version, or did not answer within `handshakeTimeoutMs`;
 * - `interrupted`: `options.signal` aborted.
 * In every failure case the agent process is stopped before the throw.
 */
export async function startAcpSession(options: AcpSessionOptions): Promise<AgentSession> {
  const commandLine = [options.command ?? '(transport)', ...(options.args ?? [])].join(' ');
  let transport: Transport = options.transport ?? processTransport(options);
  if (options.transcriptFile) {
    transport = new RecordingTransport(transport, {
      file: options.transcriptFile,
      meta: { engine: options.engine, protocol: 'acp', command: commandLine, cwd: options.cwd },
    });
  }
  const session = new AcpSession(transport, options);
  const failure = deferred<never>();
  const fail = (why: string, retryable = false): void =>
    failure.reject(
      new OmkError('failed', `engine \`${options.engine}\`: ACP handshake with \`${commandLine}\` failed: ${why}`, {
        hint: `Run \`${commandLine}\` by hand to see whether it starts and speaks ACP on stdio.`,
        retryable,
      }),
    );
  session.handshake = {
    onGarbage: (error) => fail(error.kind === 'garbage' ? `the agent wrote a line that is not JSON: ${error.line.slice(0, 200)}` : error.message),
    onExit: (info: TransportCloseInfo) => fail(session.exitMessage(info)),
  };
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms (handshakeTimeoutMs)`, true), timeoutMs);
  const onAbort = (): void =>
    failure.reject(new OmkError('interrupted', `engine \`${options.engine}\`: start cancelled`));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  try {
    try {
      await Promise.race([transport.start(), failure.promise]);
    } catch (error) {
      if (error instanceof OmkError && error.code === 'binary_missing') {
        throw new OmkError('binary_missing', `engine \`${options.engine}\`: agent binary \`${options.command ?? ''}\` was not found`, {
          hint: options.installHint ?? `Install the agent, or set [engines.${options.engine}].command to its full path.`,
          cause: error,
        });
      }
      throw error;
    }
    await Promise.race([handshake(session, options, commandLine), failure.promise]);
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

async function handshake(session: AcpSession, options: AcpSessionOptions, commandLine: string): Promise<void> {
  const agent = session.connection.agent;
  const failed = (why: string, cause?: unknown): OmkError =>
    new OmkError('failed', `engine \`${options.engine}\`: ACP handshake with \`${commandLine}\` failed: ${why}`, {
      hint: `Run \`${commandLine}\` by hand to see whether it starts and speaks ACP on stdio.`,
      cause,
    });
  let init: Record<string, unknown>;
  try {
    const answer: unknown = await agent.request('initialize', {
      protocolVersion: 1,
      clientCapabilities: {
        fs: options.serveFs === false ? { readTextFile: false, writeTextFile: false } : { readTextFile: true, writeTextFile: true },
        terminal: false,
      },
      clientInfo: options.clientInfo ?? { name: 'omk', version: '0.0.0' },
    });
    init = obj(answer) ?? {};
  } catch (error) {
    throw failed(`initialize: ${describeError(error)}`, error);
  }
  const version = num(obj(init)?.protocolVersion);
  if (version !== ACP_PROTOCOL_VERSION) {
    throw failed(`the agent speaks ACP protocol version ${String(obj(init)?.protocolVersion)}, omk speaks ${ACP_PROTOCOL_VERSION}`);
  }
  const agentInfo = obj(init.agentInfo);
  const agentVersion = str(agentInfo?.version);
  session.info = {
    protocol: 'acp',
    engine: options.engine,
    agentName: str(agentInfo?.name) ?? options.engine,
    ...(agentVersion !== undefined ? { agentVersion } : {}),
    protocolVersion: String(version),
    capabilities: obj(init.agentCapabilities) ?? {},
  };

  let created: unknown;
  try {
    created = await agent.request('session/new', { cwd: options.cwd, mcpServers: (options.mcpServers ?? []).map(toAcpMcpServer) } as never);
  } catch (error) {
    if (error instanceof RequestError && error.code === -32000) {
      throw new OmkError('blocked', `engine \`${options.engine}\`: the agent requires authentication (${error.message})`, {
        hint: `Log in with the agent's own CLI, or configure credentials in [engines.${options.engine}].env.`,
        cause: error,
      });
    }
    throw failed(`session/new: ${describeError(error)}`, error);
  }
  const sessionId = str(obj(created)?.sessionId);
  if (sessionId === undefined) throw failed('session/new answered without a sessionId');
  session.id = sessionId;
}

/** Our MCP server spec → ACP's (env and headers as name/value lists). */
export function toAcpMcpServer(spec: McpServerSpec): Record<string, unknown> {
  if ('url' in spec) {
    return {
      type: spec.type,
      name: spec.name,
      url: spec.url,
      headers: Object.entries(spec.headers ?? {}).map(([name, value]) => ({ name, value })),
    };
  }
  return {
    name: spec.name,
    command: spec.command,
    args: spec.args ?? [],
    env: Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
  };
}

function processTransport(options: AcpSessionOptions): Transport {
  if (!options.command) {
    throw new OmkError('config_invalid', `engine \`${options.engine}\`: an ACP engine needs a command`, {
      hint: `Set [engines.${options.engine}].command.`,
    });
  }
  return new ProcessTransport({
    command: options.command,
    args: options.args ?? [],
    cwd: options.cwd,
    env: allowlistEnv(options.sourceEnv ?? process.env, options.passEnv ?? [], options.env ?? {}),
    ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
    ...(options.onStderr ? { onStderr: options.onStderr } : {}),
  });
}

function deferred<T>(): { promise: Promise<T>; reject: (error: Error) => void } {
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((_resolve, rej) => (reject = rej));
  promise.catch(() => {});
  return { promise, reject };
}
