import { describeError, isOmkError } from '../../core/errors.js';
import type { ApproveFn } from '../session.js';
import { engineAvailability } from './availability.js';
import type { EngineSpec } from './resolve.js';
import { startEngineSession } from './start.js';

/** How long `probeEngine` waits for a handshake (or `GET /models`) by default. */
export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

export type ProbeStatus = 'ok' | 'missing' | 'failed';

/** What `omk engines doctor` reports for one engine. */
export interface ProbeResult {
  engine: string;
  protocol: EngineSpec['protocol'];
  /** `ok`: it answered; `missing`: not installed / no key; `failed`: it did not answer properly. */
  status: ProbeStatus;
  /** One line: what answered (agent, version, protocol) or what went wrong. */
  detail: string;
  /** How to fix it, when it is not ok. */
  fix?: string;
  /** What was checked: `initialize + session/new`, `initialize`, `GET /models`. */
  check: string;
  agent?: { name: string; version?: string; protocolVersion: string };
  durationMs: number;
}

export interface ProbeOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Absolute directory the probe session starts in. */
  cwd: string;
  /** @default DEFAULT_PROBE_TIMEOUT_MS */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The clock for `durationMs`. @default performance.now */
  now?: () => number;
  /** builtin only. @default globalThis.fetch */
  fetch?: typeof fetch;
}

const denyAll: ApproveFn = () => Promise.resolve({ allow: false, rule: 'doctor:probe', reason: 'engines doctor only checks the handshake' });

/**
 * Checks that an engine answers: ACP `initialize` + `session/new`, Wire `initialize`, builtin
 * `GET {base_url}/models` with the key (no tokens spent). The session is closed at once. Never throws.
 */
export async function probeEngine(spec: EngineSpec, options: ProbeOptions): Promise<ProbeResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const check = spec.protocol === 'acp' ? 'initialize + session/new' : spec.protocol === 'wire' ? 'initialize' : 'GET /models';
  const base = { engine: spec.name, protocol: spec.protocol, check };
  const done = (r: Omit<ProbeResult, 'engine' | 'protocol' | 'check' | 'durationMs'>): ProbeResult => ({ ...base, ...r, durationMs: Math.round(now() - started) });

  const available = engineAvailability(spec, options.env, options.cwd);
  if (!available.installed) return done({ status: 'missing', detail: available.detail, fix: spec.installHint });
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (spec.protocol === 'openai') return done(await probeModels(spec, available.keyVariable ?? '', options, timeoutMs));

  try {
    const session = await startEngineSession(spec, {
      cwd: options.cwd,
      env: options.env,
      approve: denyAll,
      mode: 'plan',
      handshakeTimeoutMs: timeoutMs,
      graceMs: 1000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const info = session.info;
    await session.close();
    const version = info.agentVersion ? ` ${info.agentVersion}` : '';
    return done({
      status: 'ok',
      detail: `${info.agentName}${version} answered ${check} (${spec.protocol} ${info.protocolVersion})`,
      agent: { name: info.agentName, protocolVersion: info.protocolVersion, ...(info.agentVersion ? { version: info.agentVersion } : {}) },
    });
  } catch (error) {
    const fix = isOmkError(error) && error.hint ? error.hint : `run \`${[spec.command ?? '', ...spec.args].join(' ')}\` by hand to see why it does not start`;
    return done({ status: isOmkError(error) && error.code === 'binary_missing' ? 'missing' : 'failed', detail: describeError(error), fix });
  }
}

async function probeModels(spec: EngineSpec, keyVariable: string, options: ProbeOptions, timeoutMs: number): Promise<Omit<ProbeResult, 'engine' | 'protocol' | 'check' | 'durationMs'>> {
  const url = `${(spec.baseUrl ?? '').replace(/\/+$/, '')}/models`;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { authorization: `Bearer ${(options.env[keyVariable] ?? '').trim()}`, accept: 'application/json' },
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      status: 'failed',
      detail: timedOut ? `GET ${url}: no answer within ${timeoutMs} ms` : `GET ${url}: ${describeError(error)}${causeOf(error)}`,
      fix: `check that ${spec.baseUrl ?? 'the base URL'} is reachable, or set [engines.${spec.name}].base_url`,
    };
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const auth = response.status === 401 || response.status === 403;
    return {
      status: 'failed',
      detail: `GET ${url}: HTTP ${response.status}${auth ? ' (the key was refused)' : ''}`,
      fix: auth ? `check the key in ${keyVariable}` : `check [engines.${spec.name}].base_url; the server answered ${response.status}`,
    };
  }
  const ids = modelIds(text);
  const listed = spec.model === undefined || ids.length === 0 || ids.includes(spec.model);
  const models = `${ids.length} model${ids.length === 1 ? '' : 's'}`;
  return {
    status: 'ok',
    detail: `GET ${url}: ${models}${spec.model ? `; ${spec.model} ${listed ? 'is listed' : 'is NOT listed'}` : ''}`,
    ...(listed ? {} : { fix: `set [engines.${spec.name}].model to one of: ${ids.slice(0, 8).join(', ')}` }),
    agent: { name: spec.name, protocolVersion: 'openai-chat-completions' },
  };
}

function modelIds(text: string): string[] {
  try {
    const body = JSON.parse(text) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).flatMap((m) => (typeof m.id === 'string' ? [m.id] : []));
  } catch {
    return [];
  }
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
}
