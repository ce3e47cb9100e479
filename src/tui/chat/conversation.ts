import type { ChatEvent, ChatOutcome, ConversationEntry, PendingDiff } from '../../app/chat/index.js';

/**
 * What the conversation area shows, folded from chat events: finished entries (printed once, above
 * the live area, and kept in the terminal's scrollback) and the answer still streaming. Pure, so the
 * REPL's transcript can be tested without a terminal.
 */
export type EntryKind = 'user' | 'answer' | 'note' | 'warn' | 'error' | 'info' | 'diff';

export interface Entry {
  id: number;
  kind: EntryKind;
  /** Markdown for `answer`; plain lines otherwise (`diff`: the diff text). */
  text: string;
}

export interface ConversationView {
  entries: Entry[];
  /** The answer streaming now, and the agent's latest activity line. */
  live: { text: string; activity: string | null } | null;
  nextId: number;
}

export function emptyConversation(): ConversationView {
  return { entries: [], live: null, nextId: 1 };
}

/** A resumed session's history, as entries. */
export function fromHistory(history: readonly ConversationEntry[]): ConversationView {
  return appendHistory(emptyConversation(), history);
}

/** Entries are only ever appended: what was printed stays in the terminal's scrollback. */
export function appendHistory(view: ConversationView, history: readonly ConversationEntry[]): ConversationView {
  let out = view;
  for (const h of history) out = addEntry(out, h.role === 'user' ? 'user' : h.role === 'assistant' ? 'answer' : 'note', h.text);
  return out;
}

export function addEntry(view: ConversationView, kind: EntryKind, text: string): ConversationView {
  return { ...view, entries: [...view.entries, { id: view.nextId, kind, text }], nextId: view.nextId + 1 };
}

export function foldConversation(view: ConversationView, event: ChatEvent): ConversationView {
  switch (event.type) {
    case 'route': {
      const d = event.decision;
      return addEntry(view, 'note', `→ ${d.route} (confidence ${d.confidence.toFixed(2)}, ${d.source}, ${d.latency_ms}ms): ${d.reason}`);
    }
    case 'proceeding':
      return addEntry(view, 'note', event.message);
    case 'text':
      return { ...view, live: { text: (view.live?.text ?? '') + event.text, activity: view.live?.activity ?? null } };
    case 'activity':
      return { ...view, live: { text: view.live?.text ?? '', activity: event.line } };
    case 'diff_ready':
      return addEntry(flushLive(view), 'diff', diffText(event.diff));
    case 'diff_resolved':
      return addEntry(
        view,
        'note',
        event.resolution === 'applied'
          ? `applied ${event.commit?.slice(0, 12) ?? ''} (${event.branch})`
          : event.resolution === 'kept'
            ? `kept on branch ${event.branch}; nothing applied`
            : 'rejected; nothing applied',
      );
    case 'goal_created':
      return addEntry(view, 'note', `goal ${event.goal_id} started in the background (Tab shows its plan, workers and gates)`);
    case 'proof_ready':
      return addEntry(view, event.status === 'passed' || event.status === 'done' ? 'note' : 'warn', `goal ${event.goal_id}: ${event.status} — proof ${event.path}`);
    case 'warning':
      return addEntry(view, 'warn', event.message);
    case 'info':
      return addEntry(view, 'info', event.lines.join('\n'));
    case 'result':
      return outcome(flushLive(view), event.outcome);
    case 'approval_answered':
      return event.timed_out ? addEntry(view, 'note', `no answer in time: took the default (${event.answer})`) : view;
    case 'approval_needed':
    case 'mode':
    case 'worker':
    case 'plan':
    case 'gate':
    case 'goal_event':
    case 'cost':
    case 'escalation':
      return view;
  }
}

/** The streamed text becomes a finished answer entry. */
export function flushLive(view: ConversationView): ConversationView {
  if (!view.live) return view;
  const text = view.live.text.trimEnd();
  const cleared = { ...view, live: null };
  return text === '' ? cleared : addEntry(cleared, 'answer', text);
}

function outcome(view: ConversationView, o: ChatOutcome): ConversationView {
  switch (o.kind) {
    case 'answered':
      // Streamed already; an answer that arrived without deltas is shown whole.
      return view.entries.at(-1)?.kind === 'answer' || o.text.trim() === '' ? view : addEntry(view, 'answer', o.text);
    case 'diff_ready':
      return addEntry(view, 'note', `apply to ${o.diff.target}?  y yes · n no · k keep it on ${o.diff.branch}`);
    case 'no_change':
      return addEntry(view, 'note', o.text || 'no change was needed');
    case 'goal':
      return o.status === 'running' ? view : addEntry(view, 'note', `goal ${o.goal_id}: ${o.status}${o.proof ? ` — proof ${o.proof}` : ''}`);
    case 'refused':
      return addEntry(view, 'error', `refused: ${o.reason}${o.fix ? `\n  fix: ${o.fix}` : ''}`);
    case 'cancelled':
      return addEntry(view, 'warn', `cancelled${o.reason ? `: ${o.reason}` : ''}`);
    case 'failed':
      return addEntry(view, 'error', `failed: ${o.reason}`);
  }
}

function diffText(d: PendingDiff): string {
  const gates = d.gates.length === 0 ? 'no gates' : d.gates.map((g) => `${g.name} ${g.state}`).join(', ');
  return [`edit on ${d.branch} (${d.files.length} file(s): ${d.files.join(', ')}) · gates: ${gates}${d.gates_ok ? '' : ' — NOT all passed'}`, d.diff.trimEnd()].join('\n');
}
