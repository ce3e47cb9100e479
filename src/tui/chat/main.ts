import { render } from 'ink';
import { createElement } from 'react';
import type { AppContext } from '../../app/context.js';
import { openChat, type ChatSession, type OpenChatOptions, type RunChatTui } from '../../app/chat/index.js';
import { App } from './app.js';

/**
 * The chat REPL on a terminal (docs/repl.md): opens the session, draws the conversation, the engine
 * pane and the input with Ink until /quit (or Ctrl+D, or Ctrl+C twice), then closes the session —
 * its logs drained, child goals left running. Loaded lazily by `omk` and `omk chat` on a TTY only.
 */
export const runChatTui: RunChatTui = async (ctx: AppContext, options: OpenChatOptions): Promise<number> => {
  const open = (o: OpenChatOptions) => openChat(ctx, { ...options, ...o });
  const first = await open(options);
  let last: ChatSession = first;
  const instance = render(
    createElement(App, {
      session: first,
      open,
      now: ctx.now,
      onQuit: (s: ChatSession) => {
        last = s;
      },
    }),
    { exitOnCtrlC: false, patchConsole: false, kittyKeyboard: { mode: 'auto', flags: ['disambiguateEscapeCodes'] } },
  );
  const abort = () => instance.unmount();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    await instance.waitUntilExit();
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    await last.close();
  }
  return 0;
};
