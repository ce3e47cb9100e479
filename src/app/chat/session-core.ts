import { randomBytes } from 'node:crypto';
import type { BusMessage, EventBus } from '../../core/bus.js';
import { reducePane, type PaneState } from '../../core/chat/pane.js';
import type { ApprovalRequest, ChatEvent, ConversationEntry, PendingDiff, PreflightAnswer, SessionMeta, ToolApprovalAnswer } from '../../core/chat/types.js';
import { entryFromEvent } from '../../core/escalation.js';
import type { OmkEvent } from '../../core/events/catalogue.js';
import type { EscalationLogWriter } from '../../runtime/escalation-log.js';
import type { AppContext } from '../context.js';
import type { EventChannel } from './channel.js';
import type { SessionFiles } from './session-files.js';
import type { ChatSettings } from './settings.js';

type Answer = PreflightAnswer | ToolApprovalAnswer;
/** A question as a route asks it; the session gives it its id. */
export type Question = { [K in ApprovalRequest['kind']]: Omit<Extract<ApprovalRequest, { kind: K }>, 'id'> }[ApprovalRequest['kind']];

/**
 * The state one chat session shares between its requests, routes and commands: the pane, the
 * conversation, meta, the bus that feeds the escalation log, the open question, the pending edit.
 * Every event goes through `emit`, so the pane, `engine-events.jsonl`, listeners and the running
 * request's channel all see the same sequence.
 */
export class SessionCore {
  pane: PaneState;
  readonly conversation: ConversationEntry[];
  pending: PendingDiff | null = null;
  /** Aborted when the session closes: followers of child goals detach (the goals keep running). */
  readonly closing = new AbortController();
  /** The running request's channel and its stop switch. */
  current: { channel: EventChannel<ChatEvent>; abort: AbortController; done: Promise<void> } | undefined;
  private readonly listeners = new Set<(event: ChatEvent) => void>();
  private readonly questions = new Map<string, { resolve: (answer: Answer, timedOut: boolean) => void }>();
  private editCounter = 0;

  constructor(
    readonly ctx: AppContext,
    readonly settings: ChatSettings,
    readonly engine: string | undefined,
    readonly files: SessionFiles,
    readonly bus: EventBus,
    readonly escalations: EscalationLogWriter | undefined,
    public meta: SessionMeta,
    conversation: ConversationEntry[],
    pane: PaneState,
    readonly autoAnswer: 'accept' | 'default' | undefined,
  ) {
    this.conversation = conversation;
    this.pane = pane;
  }

  get id(): string {
    return this.meta.session_id;
  }

  now(): string {
    return this.ctx.now().toISOString();
  }

  onEvent(listener: (event: ChatEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ChatEvent, channel = this.current?.channel): void {
    this.pane = reducePane(this.pane, event);
    // Streamed text is kept whole in the conversation; the engine log keeps everything else.
    if (event.type !== 'text') this.files.appendEngineEvent(this.now(), event);
    if (event.type === 'cost') {
      this.meta.cost = { tokens_in: this.meta.cost.tokens_in + event.tokens_in, tokens_out: this.meta.cost.tokens_out + event.tokens_out, usd: this.meta.cost.usd + event.usd };
    }
    channel?.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.ctx.log.warn(`chat listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Puts a fact on the session bus (the escalation log listens) and shows its escalation line in the pane. */
  publish(event: OmkEvent, goalId?: string, ts = this.now()): void {
    const message = { ...event, ts, ...(goalId === undefined ? {} : { goal_id: goalId }) } as BusMessage;
    this.bus.publish(message);
    const line = entryFromEvent(message);
    if (line !== null) this.emit({ type: 'escalation', kind: line.kind, summary: line.summary, at: line.ts });
  }

  remember(entry: Omit<ConversationEntry, 'ts'>): void {
    const full: ConversationEntry = { ts: this.now(), ...entry };
    this.conversation.push(full);
    this.files.appendConversation(full);
    this.meta.last_activity = full.ts;
  }

  async saveMeta(): Promise<void> {
    await this.files.writeMeta(this.meta);
  }

  nextEditNumber(): number {
    this.editCounter += 1;
    return this.editCounter;
  }

  /**
   * Asks the user and waits for `answer()`, the timeout (the default answer) or `signal`. Without a
   * human (`autoAnswer`) the answer is immediate: `accept` (`--yes`) or the question's default.
   */
  ask(request: Question, signal: AbortSignal): Promise<{ answer: Answer; timedOut: boolean }> {
    const id = `q-${randomBytes(3).toString('hex')}`;
    const full = { ...request, id };
    if (this.autoAnswer !== undefined) {
      const answer: Answer = this.autoAnswer === 'accept' ? (full.kind === 'tool' ? 'y' : 'accept') : full.default;
      this.emit({ type: 'approval_needed', request: full });
      this.emit({ type: 'approval_answered', id, answer, timed_out: false });
      return Promise.resolve({ answer, timedOut: false });
    }
    return new Promise((resolve) => {
      const finish = (answer: Answer, timedOut: boolean) => {
        if (!this.questions.delete(id)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.emit({ type: 'approval_answered', id, answer, timed_out: timedOut });
        resolve({ answer, timedOut });
      };
      const onAbort = () => finish(full.kind === 'tool' ? 'n' : 'cancel', false);
      const timer = setTimeout(() => finish(full.default, true), full.timeout_ms);
      this.questions.set(id, { resolve: finish });
      signal.addEventListener('abort', onAbort, { once: true });
      this.emit({ type: 'approval_needed', request: full });
    });
  }

  answer(id: string, answer: Answer): void {
    this.questions.get(id)?.resolve(answer, false);
  }
}
