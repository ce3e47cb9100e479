/**
 * The REPL's slash commands (docs/chat.md): their names, argument hints and one-line help, and Tab
 * completion over them. Running them is the chat session's (`ChatSession.command`); the REPL itself
 * handles only what is about the terminal (`/help`, `/quit`).
 */
import { SLASH_COMMANDS as CHAT_COMMANDS } from '../../app/chat/commands.js';

export interface SlashCommand {
  name: string;
  args: string;
  help: string;
  /** Completions for the first argument. */
  choices?: readonly string[];
}

/** What the REPL does itself says so in its help; everything else is the chat session's command, as it describes it. */
const REPL_OWN: Readonly<Record<string, Pick<SlashCommand, 'args' | 'help'>>> = {
  help: { args: '', help: 'these commands and the keys' },
  resume: { args: '[GOAL|SESSION]', help: 'resume the paused goal, or open another session' },
  new: { args: '', help: 'start a new session' },
};

export const SLASH_COMMANDS: readonly SlashCommand[] = CHAT_COMMANDS.map((c) => ({ ...c, name: `/${c.name}`, ...REPL_OWN[c.name] }));

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
