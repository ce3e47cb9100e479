import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createEventBus } from '../../core/bus.js';
import { initialPane, reducePane, type PaneState } from '../../core/chat/pane.js';
import { newSessionId, SESSION_ID_PATTERN } from '../../core/chat/session-id.js';
import type { ChatEvent, ChatOutcome, Route, SessionMeta } from '../../core/chat/types.js';
import { describeError, OmkError } from '../../core/errors.js';
import { endsWatch } from '../../core/goal/status.js';
import { startEscalationLog } from '../../runtime/escalation-log.js';
import { loadConfig } from '../../runtime/config/load-config.js';
import type { AppContext } from '../context.js';
import { goalService } from '../goal-service.js';
import { EventChannel } from './channel.js';
import { runCommand } from './commands.js';
import { acceptPending, rejectPending } from './edit-apply.js';
import { classify, runRequest } from './request.js';
import { followGoal } from './routes/goal.js';
import { SessionCore } from './session-core.js';
import { ENGINE_EVENTS_FILE, readConversation, readMeta, SessionFiles } from './session-files.js';
import { chatSettings } from './settings.js';
import type { ChatSession, OpenChatOptions } from './types.js';

/**
 * Opens a chat session (new, or `options.session` resumed: its conversation restored, its pane
 * rebuilt from `engine-events.jsonl`, and its child goals still running followed again).
 */
export async function openChat(ctx: AppContext, options: OpenChatOptions = {}): Promise<ChatSession> {
  const { config } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const settings = chatSettings(config.chat);
  const resumed = options.session !== undefined && options.new !== true;
  const id = resumed ? options.session! : newSessionId(ctx.now(), randomBytes(2).toString('hex'));
  if (!SESSION_ID_PATTERN.test(id)) throw new OmkError('usage', `not a session id: ${JSON.stringify(id)}`, { hint: 'session ids look like c-20250301-120000-ab12; /sessions (or omk chat --sessions) lists them' });
  const dir = path.join(ctx.paths.sessionsDir, id);
  if (resumed && !existsSync(dir)) throw new OmkError('not_found', `no chat session ${id} in ${ctx.paths.sessionsDir}`, { hint: 'omk chat --sessions lists the sessions; omk chat starts a new one' });

  const early: string[] = [];
  // Warnings before the session core exists (an unwritable directory) are replayed into it.
  const live: { core?: SessionCore } = {};
  const warn = (message: string) => {
    ctx.log.warn(message);
    if (live.core) live.core.emit({ type: 'warning', message });
    else early.push(message);
  };
  const files = new SessionFiles(dir, warn);
  const bus = createEventBus({ onError: (error, c) => ctx.log.warn(`chat bus: ${c.subscriber} failed on ${c.message.type}: ${describeError(error)}`) });
  const writable = files.ensure();
  const escalations = writable ? startEscalationLog({ bus, sessionDir: dir, logger: ctx.log }) : undefined;
  const now = ctx.now().toISOString();
  const meta: SessionMeta = (resumed ? readMeta(dir) : undefined) ?? {
    schema_version: 1,
    session_id: id,
    started_at: now,
    last_activity: now,
    project_root: ctx.paths.repoRoot ?? ctx.cwd,
    engine: options.engine ?? null,
    goals: [],
    cost: { tokens_in: 0, tokens_out: 0, usd: 0 },
    soft_cap_warned: false,
  };
  const conversation = resumed ? readConversation(dir) : [];
  const pane = resumed ? replayPane(dir, id) : initialPane(id);
  const core = new SessionCore(ctx, settings, options.engine ?? meta.engine ?? undefined, files, bus, escalations, meta, conversation, pane, options.autoAnswer);
  live.core = core;
  for (const message of early) core.emit({ type: 'warning', message });
  await core.saveMeta();
  const session = new Session(core);
  if (resumed) await session.reattach();
  return session;
}

/** The pane as the session's engine events left it (a torn or unknown line is skipped). */
function replayPane(dir: string, id: string): PaneState {
  let pane = initialPane(id);
  let text: string;
  try {
    text = readFileSync(path.join(dir, ENGINE_EVENTS_FILE), 'utf8');
  } catch {
    return pane;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const { ts: _ts, ...event } = JSON.parse(line) as ChatEvent & { ts: string };
      pane = reducePane(pane, event);
    } catch {
      // torn last line, or an event type from a newer omk
    }
  }
  return { ...pane, busy: false, approval: null };
}

class Session implements ChatSession {
  private readonly followers = new Set<Promise<unknown>>();
  private closed: Promise<void> | undefined;

  constructor(private readonly core: SessionCore) {}

  get id() {
    return this.core.id;
  }
  get dir() {
    return this.core.files.dir;
  }
  history() {
    return this.core.conversation;
  }
  meta() {
    return this.core.meta;
  }
  pane() {
    return this.core.pane;
  }
  onEvent(listener: (event: ChatEvent) => void) {
    return this.core.onEvent(listener);
  }
  pendingDiff() {
    return this.core.pending;
  }

  send(text: string, opts: { route?: Route } = {}): AsyncIterable<ChatEvent> {
    const channel = new EventChannel<ChatEvent>();
    if (this.closed) return single(channel, { type: 'result', outcome: { kind: 'failed', route: null, reason: 'the session is closed' } });
    if (this.core.current) return single(channel, { type: 'result', outcome: { kind: 'failed', route: null, reason: 'a request is already running: wait for it, or /cancel it' } });
    if (text.trim() === '') return single(channel, { type: 'result', outcome: { kind: 'failed', route: null, reason: 'the request is empty' } });
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, this.core.ctx.signal]);
    // The request is current before it starts: its first events are emitted synchronously.
    let finished!: () => void;
    const current = { channel, abort, done: new Promise<void>((resolve) => (finished = resolve)) };
    this.core.current = current;
    runRequest(this.core, text, opts.route, signal)
      .catch((error: unknown) => this.core.ctx.log.error(`chat: request failed unexpectedly: ${describeError(error)}`))
      .finally(() => {
        if (this.core.current === current) this.core.current = undefined;
        channel.end();
        finished();
      });
    return channel;
  }

  classify(text: string) {
    return classify(this.core, text, this.core.ctx.signal);
  }

  command(line: string): AsyncIterable<ChatEvent> {
    return runCommand(line, {
      core: this.core,
      send: (text: string, route: Route) => this.send(text, { route }),
      accept: (keep: boolean) => this.accept({ keep }),
      reject: () => this.reject(),
      cancel: () => this.cancel('cancelled with /cancel'),
      follow: (goalId: string) => this.follow(goalId),
    });
  }

  async cancel(reason = 'cancelled'): Promise<void> {
    const current = this.core.current;
    if (!current) return;
    current.abort.abort(new OmkError('interrupted', reason));
    await current.done;
  }

  async accept(opts: { keep?: boolean } = {}): Promise<ChatEvent> {
    try {
      return await acceptPending(this.core, opts.keep === true);
    } catch (error) {
      const message = error instanceof OmkError && error.hint ? `${error.message} (${error.hint})` : describeError(error);
      this.core.emit({ type: 'warning', message });
      return { type: 'warning', message };
    }
  }

  async reject(): Promise<ChatEvent> {
    try {
      return await rejectPending(this.core);
    } catch (error) {
      const message = describeError(error);
      this.core.emit({ type: 'warning', message });
      return { type: 'warning', message };
    }
  }

  answerApproval(id: string, answer: Parameters<ChatSession['answerApproval']>[1]): void {
    this.core.answer(id, answer);
  }

  /** Follows the session's child goals that are still running (after a resume). */
  async reattach(): Promise<void> {
    for (const goalId of this.core.meta.goals) {
      let status: string;
      try {
        status = (await goalService(this.core.ctx).status(goalId)).status;
      } catch {
        continue;
      }
      if (endsWatch(status)) continue;
      this.core.emit({ type: 'info', lines: [`reattached to goal ${goalId} (${status})`] });
      this.follow(goalId);
    }
  }

  /** Follows a goal in the background; its end arrives as a `result` event to listeners. */
  follow(goalId: string): void {
    const run = followGoal(this.core, goalId, (outcome: ChatOutcome) => {
      if (!this.core.closing.signal.aborted) this.core.emit({ type: 'result', outcome }, undefined);
    }).catch((error: unknown) => this.core.ctx.log.warn(`chat: following ${goalId} stopped: ${describeError(error)}`));
    this.followers.add(run);
    void run.finally(() => this.followers.delete(run));
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.cancel('the session closed');
      this.core.closing.abort();
      await Promise.allSettled([...this.followers]);
      await this.core.saveMeta();
      // Drained: every escalation already queued is written before the file closes.
      await this.core.bus.drain();
      await this.core.escalations?.close();
      await this.core.bus.close();
      this.core.files.close();
    })();
    return this.closed;
  }
}

function single(channel: EventChannel<ChatEvent>, event: ChatEvent): EventChannel<ChatEvent> {
  channel.push(event);
  channel.end();
  return channel;
}
