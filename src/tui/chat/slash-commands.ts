/**
 * The REPL's slash commands (docs/repl.md): their names, argument hints and one-line help, and Tab
 * completion over them. Running them is the chat session's (`ChatSession.command`); the REPL itself
 * handles only what is about the terminal (`/help`, `/quit`).
 */
export interface SlashCommand {
  name: string;
  args: string;
  help: string;
  /** Completions for the first argument. */
  choices?: readonly string[];
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: '/help', args: '', help: 'these commands and the keys' },
  { name: '/classify', args: 'REQUEST', help: 'how the router would route REQUEST (runs nothing)' },
  { name: '/quick', args: 'REQUEST', help: 'run REQUEST as one small checked edit' },
  { name: '/escalate', args: 'REQUEST', help: 'run REQUEST as a goal in the background' },
  { name: '/goals', args: '', help: "this session's child goals" },
  { name: '/show', args: 'plan|proof|GOAL', help: 'the plan, the proof, or a goal', choices: ['plan', 'proof'] },
  { name: '/diff', args: '', help: 'the edit waiting for y/n' },
  { name: '/cost', args: '', help: "the session's tokens and USD" },
  { name: '/pause', args: '', help: 'pause the running child goal' },
  { name: '/resume', args: '[SESSION]', help: 'resume the paused goal, or another session' },
  { name: '/cancel', args: '', help: 'cancel the running request or child goal' },
  { name: '/approve', args: '', help: 'accept the pending edit or the approval asked' },
  { name: '/reject', args: '[REASON]', help: 'reject the pending edit or the approval asked' },
  { name: '/sessions', args: '', help: 'the sessions of this machine' },
  { name: '/new', args: '', help: 'start a new session' },
  { name: '/quit', args: '', help: 'leave (child goals keep running)' },
];

export interface Completion {
  /** The input after completing (unchanged when nothing matches or the match is ambiguous). */
  text: string;
  /** Every command (or argument) that matches what was typed, for showing when ambiguous. */
  candidates: string[];
}

/**
 * Tab on input starting with `/`: completes the command name (to the longest common prefix when
 * several match, with a space after a unique one), then the first argument from its choices.
 */
export function completeSlash(text: string, commands: readonly SlashCommand[] = SLASH_COMMANDS): Completion {
  if (!text.startsWith('/') || text.includes('\n')) return { text, candidates: [] };
  const space = text.indexOf(' ');
  if (space === -1) {
    const matches = commands.filter((c) => c.name.startsWith(text)).map((c) => c.name);
    return { text: completed(text, matches), candidates: matches };
  }
  const command = commands.find((c) => c.name === text.slice(0, space));
  const arg = text.slice(space + 1);
  if (!command?.choices || arg.includes(' ')) return { text, candidates: [] };
  const matches = command.choices.filter((c) => c.startsWith(arg));
  return { text: text.slice(0, space + 1) + completed(arg, matches).trimEnd(), candidates: matches };
}

function completed(typed: string, matches: readonly string[]): string {
  if (matches.length === 0) return typed;
  if (matches.length === 1) return `${matches[0]!} `;
  let prefix = matches[0]!;
  for (const m of matches) while (!m.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.length > typed.length ? prefix : typed;
}

/** `/help`: one line per command, aligned, then the keys. */
export function helpLines(commands: readonly SlashCommand[] = SLASH_COMMANDS): string[] {
  const width = Math.max(...commands.map((c) => `${c.name} ${c.args}`.trimEnd().length));
  return [
    ...commands.map((c) => `${`${c.name} ${c.args}`.trimEnd().padEnd(width)}  ${c.help}`),
    '',
    'keys: Enter send · Shift+Enter, Alt+Enter, Ctrl+J or a trailing \\ new line · Up/Down history',
    '      Tab complete / expand the pane · Shift+Tab collapse it · Ctrl+C cancel (twice: quit) · Ctrl+D quit',
  ];
}
