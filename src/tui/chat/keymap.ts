/**
 * Ink's key report → what the REPL does with it. Pure, so the bindings are tested and documented in
 * one place (docs/repl.md). Line breaks: Shift+Enter where the terminal reports it (kitty keyboard
 * protocol), Alt+Enter (ESC CR, which every terminal sends), Ctrl+J (LF), or a trailing `\` + Enter.
 */
export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  home: boolean;
  end: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  shift: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  meta: boolean;
}

export type KeyAction =
  | { kind: 'submit' }
  | { kind: 'newline' }
  | { kind: 'insert'; text: string }
  /** Text and Enter in one read (typed faster than the terminal is read, or sent by a script). */
  | { kind: 'insertSubmit'; text: string }
  | { kind: 'interrupt' }
  | { kind: 'eof' }
  | { kind: 'tab' }
  | { kind: 'collapse' }
  | { kind: 'escape' }
  | { kind: 'edit'; op: 'backspace' | 'delete' | 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'deleteWord' | 'deleteLine' }
  | { kind: 'none' };

export function keyAction(input: string, key: InkKey): KeyAction {
  if (key.ctrl && input === 'c') return { kind: 'interrupt' };
  if (key.ctrl && input === 'd') return { kind: 'eof' };
  if (key.return) return key.shift || key.meta ? { kind: 'newline' } : { kind: 'submit' };
  if (input === '\n' && !key.ctrl) return { kind: 'newline' };
  if (key.ctrl && input === 'j') return { kind: 'newline' };
  if (key.tab) return key.shift ? { kind: 'collapse' } : { kind: 'tab' };
  if (key.escape) return { kind: 'escape' };
  if (key.upArrow) return { kind: 'edit', op: 'up' };
  if (key.downArrow) return { kind: 'edit', op: 'down' };
  if (key.leftArrow) return { kind: 'edit', op: 'left' };
  if (key.rightArrow) return { kind: 'edit', op: 'right' };
  if (key.home || (key.ctrl && input === 'a')) return { kind: 'edit', op: 'home' };
  if (key.end || (key.ctrl && input === 'e')) return { kind: 'edit', op: 'end' };
  // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
  if (key.backspace || key.delete || (key.ctrl && input === 'h')) return { kind: 'edit', op: 'backspace' };
  if (key.ctrl && input === 'w') return { kind: 'edit', op: 'deleteWord' };
  if (key.ctrl && input === 'u') return { kind: 'edit', op: 'deleteLine' };
  if (key.ctrl || input === '') return { kind: 'none' };
  if (/^[^\r\n]+\r$/.test(input)) return { kind: 'insertSubmit', text: input.slice(0, -1) };
  return { kind: 'insert', text: input };
}
