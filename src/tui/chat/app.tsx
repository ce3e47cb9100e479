import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApprovalRequest, ChatEvent, ChatSession, OpenChatOptions, PaneState } from '../../app/chat/index.js';
import { renderMarkdown } from '../../core/format/markdown.js';
import { addEntry, appendHistory, flushLive, foldConversation, fromHistory, type ConversationView } from './conversation.js';
import * as ed from './input-editor.js';
import { keyAction } from './keymap.js';
import { renderPane, type PaneLayout } from './pane/render-pane.js';
import { approvalKey, approvalPrompt } from './prompts.js';
import { completeSlash, helpLines } from './slash-commands.js';
import { EntryView } from './view/entry-view.js';
import { InputView } from './view/input-view.js';
import { MarkdownView } from './view/markdown-view.js';
import { PaneView } from './view/pane-view.js';

export interface AppProps {
  session: ChatSession;
  /** Opens another session (`/new`, `/resume ID`). */
  open: (options: OpenChatOptions) => Promise<ChatSession>;
  now: () => Date;
  /** Called once with the session in use when the REPL quits. */
  onQuit: (session: ChatSession) => void;
}

/** Rows kept for the conversation's live part and the input below the pane. */
const RESERVED_ROWS = 8;

export function App({ session: first, open, now, onQuit }: AppProps) {
  const app = useApp();
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [session, setSession] = useState(first);
  const [conv, setConv] = useState<ConversationView>(() => greeting(fromHistory(first.history()), first));
  const [pane, setPane] = useState<PaneState>(() => first.pane());
  const [layout, setLayout] = useState<PaneLayout>('collapsed');
  const [tabSeen, setTabSeen] = useState(false);
  const [editor, setEditor] = useState(() => ed.emptyEditor(first.history().filter((h) => h.role === 'user').map((h) => h.text)));
  const [busy, setBusy] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [quitAsked, setQuitAsked] = useState(false);
  const [candidates, setCandidates] = useState<string[]>([]);
  const [approval, setApproval] = useState<{ request: ApprovalRequest; since: number } | null>(null);
  const [clock, setClock] = useState(() => now());
  const sessionRef = useRef(session);
  sessionRef.current = session;

  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);

  useEffect(() => {
    setPane(session.pane());
    return session.onEvent((event: ChatEvent) => {
      setConv((c) => foldConversation(c, event));
      setPane(session.pane());
      if (event.type === 'approval_needed') setApproval({ request: event.request, since: Date.now() });
      if (event.type === 'approval_answered') setApproval((a) => (a?.request.id === event.id ? null : a));
    });
  }, [session]);

  // Elapsed times and the approval countdown move once a second, and only while something runs.
  const ticking = busy || approval !== null || pane.workers.some((w) => w.state === 'running');
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setClock(now()), 1000);
    return () => clearInterval(timer);
  }, [ticking, now]);

  const note = useCallback((kind: 'note' | 'warn' | 'error' | 'info', text: string) => setConv((c) => addEntry(c, kind, text)), []);

  const drive = useCallback(
    (events: AsyncIterable<ChatEvent>) => {
      setBusy(true);
      void (async () => {
        try {
          // Every event also reaches onEvent (which renders it); iterating is what runs the request.
          for await (const _event of events) void _event;
        } catch (error) {
          note('error', `error: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          setConv((c) => flushLive(c));
          setBusy(false);
          setCancelling(false);
        }
      })();
    },
    [note],
  );

  const quit = useCallback(() => {
    onQuit(sessionRef.current);
    app.exit();
  }, [app, onQuit]);

  const switchTo = useCallback(
    (options: OpenChatOptions) => {
      setBusy(true);
      void (async () => {
        try {
          const next = await open(options);
          await sessionRef.current.close();
          setConv((c) => greeting(appendHistory(addEntry({ ...c, live: null }, 'note', `── session ${next.id} ──`), next.history()), next));
          setEditor(ed.emptyEditor(next.history().filter((h) => h.role === 'user').map((h) => h.text)));
          setSession(next);
        } catch (error) {
          note('error', error instanceof Error ? error.message : String(error));
        } finally {
          setBusy(false);
        }
      })();
    },
    [open, note],
  );

  const submitLine = (text: string) => {
    const line = text.trim();
    setConv((c) => addEntry(c, 'user', text));
    if (!line.startsWith('/')) return drive(session.send(text));
    const [name, ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    if (name === '/help') return note('info', helpLines().join('\n'));
    if (name === '/quit' || name === '/exit') return quit();
    if (name === '/new') return switchTo({ new: true });
    if (name === '/resume' && arg !== '' && arg !== session.id) return switchTo({ session: arg });
    return drive(session.command(line));
  };

  useInput((input, key) => {
    const action = keyAction(input, key);
    if (quitAsked) {
      if (action.kind === 'interrupt' || action.kind === 'eof' || input === 'y' || input === 'Y') return quit();
      setQuitAsked(false);
      return;
    }
    if (action.kind === 'interrupt') {
      if (busy && !cancelling) {
        setCancelling(true);
        note('note', 'cancelling… (Ctrl+C again to quit)');
        void session.cancel('Ctrl+C').catch((error: unknown) => note('error', `cancel failed: ${String(error)}`));
        return;
      }
      setQuitAsked(true);
      return;
    }
    if (action.kind === 'eof' && editor.text === '') return setQuitAsked(true);
    if (approval) {
      const answer = approvalKey(approval.request, input, action.kind === 'submit');
      if (answer) session.answerApproval(approval.request.id, answer);
      return;
    }
    const diff = session.pendingDiff();
    if (diff && !busy && editor.text === '' && /^[ynk]$/i.test(input)) {
      const choice = input.toLowerCase();
      setBusy(true);
      void (choice === 'n' ? session.reject() : session.accept({ keep: choice === 'k' }))
        .catch((error: unknown) => note('error', String(error)))
        .finally(() => setBusy(false));
      return;
    }
    switch (action.kind) {
      case 'insertSubmit':
      case 'submit': {
        const r = ed.submit(action.kind === 'insertSubmit' ? ed.insert(editor, action.text) : editor);
        setEditor(r.state);
        setCandidates([]);
        if (r.submitted !== null) {
          if (busy && !r.submitted.trim().startsWith('/')) return note('warn', 'still working on the last request: wait, or Ctrl+C to cancel it');
          submitLine(r.submitted);
        }
        return;
      }
      case 'newline':
        return setEditor(ed.newline(editor));
      case 'insert':
        setCandidates([]);
        return setEditor(ed.insert(editor, input));
      case 'tab': {
        if (editor.text.startsWith('/')) {
          const c = completeSlash(editor.text);
          setEditor({ ...editor, text: c.text, cursor: c.text.length });
          setCandidates(c.candidates.length > 1 ? c.candidates : []);
          return;
        }
        setTabSeen(true);
        return setLayout((l) => (l === 'expanded' ? 'compact' : 'expanded'));
      }
      case 'collapse':
        return setLayout('collapsed');
      case 'escape':
        return setCandidates([]);
      case 'edit':
        return setEditor(edit(editor, action.op));
      case 'eof':
        return setEditor(ed.deleteForward(editor));
      case 'none':
        return;
    }
  });

  const paneRows = layout === 'collapsed' ? 1 : Math.max(1, size.rows - RESERVED_ROWS);
  const paneLines = renderPane(pane, { layout, columns: size.columns, rows: paneRows, now: clock, tabSeen });
  const liveRows = Math.max(3, size.rows - paneLines.length - editor.text.split('\n').length - 4);
  return (
    <Box flexDirection="column">
      <Static items={conv.entries}>{(entry) => <EntryView key={entry.id} entry={entry} />}</Static>
      {conv.live ? <LiveAnswer text={conv.live.text} activity={conv.live.activity} rows={liveRows} columns={size.columns} /> : null}
      {busy && !conv.live ? <Text dimColor>{cancelling ? 'cancelling…' : 'working… (Ctrl+C cancels)'}</Text> : null}
      <PaneView lines={paneLines} />
      {approval ? <Text color="yellow">{approvalPrompt(approval.request, clock.getTime() - approval.since)}</Text> : null}
      {quitAsked ? <Text color="yellow">Quit omk? y quits (child goals keep running) · any other key stays</Text> : null}
      <InputView editor={editor} prompt="› " focus={!approval && !quitAsked} placeholder={session.pendingDiff() && !busy ? 'y apply · n reject · k keep on its branch' : 'ask, or describe a change · /help'} />
      {candidates.length > 0 ? <Text dimColor>{candidates.join('  ')}</Text> : null}
    </Box>
  );
}

/** The streaming answer, cut to its last rows so the pane and the input stay on screen. */
function LiveAnswer({ text, activity, rows, columns }: { text: string; activity: string | null; rows: number; columns: number }) {
  const lines = renderMarkdown(text);
  let used = activity ? 1 : 0;
  let from = lines.length;
  while (from > 0) {
    const width = lines[from - 1]!.spans.reduce((n, s) => n + s.text.length, 0);
    const h = Math.max(1, Math.ceil(width / Math.max(1, columns)));
    if (used + h > rows) break;
    used += h;
    from -= 1;
  }
  return (
    <Box flexDirection="column">
      {from > 0 ? <Text dimColor>{`… ${from} line(s) above`}</Text> : null}
      <MarkdownView lines={lines.slice(from)} />
      {activity ? (
        <Text dimColor wrap="truncate-end">
          {`· ${activity}`}
        </Text>
      ) : null}
    </Box>
  );
}

function greeting(view: ConversationView, session: ChatSession): ConversationView {
  const resumed = session.history().length > 0;
  return addEntry(view, 'note', `omk chat · ${session.id}${resumed ? ' (resumed)' : ''} · /help · Tab: engine pane`);
}

function edit(s: ed.EditorState, op: 'backspace' | 'delete' | 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'deleteWord' | 'deleteLine'): ed.EditorState {
  switch (op) {
    case 'backspace':
      return ed.backspace(s);
    case 'delete':
      return ed.deleteForward(s);
    case 'left':
      return ed.left(s);
    case 'right':
      return ed.right(s);
    case 'up':
      return ed.up(s);
    case 'down':
      return ed.down(s);
    case 'home':
      return ed.home(s);
    case 'end':
      return ed.end(s);
    case 'deleteWord':
      return ed.deleteWord(s);
    case 'deleteLine':
      return ed.deleteToLineStart(s);
  }
}
