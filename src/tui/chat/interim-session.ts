import { randomBytes } from 'node:crypto';
import { askOnce } from '../../app/ask.js';
import type { AppContext } from '../../app/context.js';
import { initialPane, reducePane } from '../../app/chat/index.js';
import type { ChatEvent, ChatSession, ConversationEntry, OpenChatOptions, PaneState, SessionMeta } from '../../app/chat/index.js';

/**
 * TEMPORARY, until `openChat` lands in app/chat: a ChatSession that answers every request as a
 * read-only `ask` turn (no router, no edits, no goals, nothing persisted), so the REPL can be driven
 * end to end. Slash commands other than the REPL's own answer that they need the chat core.
 */
export function openInterimChat(ctx: AppContext, options: OpenChatOptions): Promise<ChatSession> {
  const id = `s-${randomBytes(4).toString('hex')}`;
  const history: ConversationEntry[] = [];
  const listeners = new Set<(e: ChatEvent) => void>();
  let pane: PaneState = initialPane(id);
  let running: AbortController | null = null;
  let finished: Promise<void> = Promise.resolve();
  const started = ctx.now().toISOString();
  const emit = (e: ChatEvent) => {
    pane = reducePane(pane, e);
    for (const l of listeners) l(e);
    return e;
  };

  async function* send(text: string): AsyncIterable<ChatEvent> {
    history.push({ ts: ctx.now().toISOString(), role: 'user', text });
    yield emit({ type: 'route', decision: { route: 'trivial', confidence: 1, reason: 'answered read-only (the router is not wired in yet)', source: 'forced', latency_ms: 0 } });
    yield emit({ type: 'mode', mode: 'answer' });
    const abort = new AbortController();
    running = abort;
    const queue: ChatEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    let answerText = '';
    const turn = askOnce(ctx, text, {
      ...(options.engine ? { engine: options.engine } : {}),
      signal: abort.signal,
      onEvent: (ev) => {
        if (ev.type === 'text_delta') queue.push({ type: 'text', text: ev.text });
        else if (ev.type === 'tool_call_started') queue.push({ type: 'activity', line: `${ev.kind}: ${ev.title}` });
        wake?.();
      },
    }).finally(() => {
      done = true;
      wake?.();
    });
    finished = turn.then(
      () => undefined,
      () => undefined,
    );
    while (!done || queue.length > 0) {
      if (queue.length === 0) await new Promise<void>((r) => (wake = r));
      wake = null;
      for (const e of queue.splice(0)) {
        if (e.type === 'text') answerText += e.text;
        yield emit(e);
      }
    }
    running = null;
    try {
      const answer = await turn;
      const u = answer.json.usage;
      yield emit({ type: 'cost', tokens_in: u.input, tokens_out: u.output, usd: answer.json.cost_usd ?? 0 });
      if (answer.json.stop_reason === 'cancelled' || abort.signal.aborted) {
        yield emit({ type: 'result', outcome: { kind: 'cancelled', route: 'trivial', reason: 'cancelled by the user' } });
        return;
      }
      if (answer.json.error) {
        yield emit({ type: 'result', outcome: { kind: 'failed', route: 'trivial', reason: answer.json.error.message } });
        return;
      }
      history.push({ ts: ctx.now().toISOString(), role: 'assistant', text: answerText, route: 'trivial' });
      yield emit({ type: 'result', outcome: { kind: 'answered', route: 'trivial', text: answerText } });
    } catch (error) {
      yield emit({ type: 'result', outcome: { kind: 'failed', route: 'trivial', reason: error instanceof Error ? error.message : String(error) } });
    }
  }

  async function* command(line: string): AsyncIterable<ChatEvent> {
    await Promise.resolve();
    yield emit({ type: 'info', lines: [`${line.split(/\s+/)[0]!}: needs the chat core, which this build does not have yet`] });
  }

  const meta = (): SessionMeta => ({
    schema_version: 1,
    session_id: id,
    started_at: started,
    last_activity: ctx.now().toISOString(),
    project_root: ctx.paths.repoRoot ?? ctx.cwd,
    engine: options.engine ?? null,
    goals: [],
    cost: pane.cost,
    soft_cap_warned: false,
  });

  const session: ChatSession = {
    id,
    dir: '',
    history: () => history,
    meta,
    pane: () => pane,
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    send,
    classify: () => Promise.resolve({ route: 'trivial', confidence: 1, reason: 'interim', source: 'forced', latency_ms: 0 }),
    command,
    cancel: async () => {
      running?.abort(new Error('cancelled'));
      await finished;
    },
    pendingDiff: () => null,
    accept: () => Promise.resolve(emit({ type: 'info', lines: ['nothing to accept'] })),
    reject: () => Promise.resolve(emit({ type: 'info', lines: ['nothing to reject'] })),
    answerApproval: () => undefined,
    close: () => session.cancel(),
  };
  return Promise.resolve(session);
}
