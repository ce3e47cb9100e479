import { isAssignmentWord, lexShell } from './shell-lexer.js';
import type { Operator, Word } from './shell-lexer.js';

/**
 * Turns tokens into a flat list of simple commands, in execution order, with their pipeline position.
 * Command and process substitutions are parsed too and listed before the command that contains them
 * (they run first). Control keywords (`if`, `while`, `{`, …) are dropped: what matters for safety is
 * which commands can run, not whether they do.
 */

export interface Redirect {
  op: string;
  fd?: number;
  target: Word;
  /** Here-document body, for `<<` and `<<-`. */
  body?: string;
}

export type Origin = 'top' | 'substitution' | 'process-in' | 'process-out';

export interface SimpleCommand {
  id: number;
  /** The command a substitution belongs to. */
  parent?: number;
  origin: Origin;
  words: Word[];
  assignments: Word[];
  redirects: Redirect[];
  /** Shared by the commands of one pipeline (`a | b | c`). */
  pipeline: number;
  stage: number;
  /** Inside `( … )` or a substitution: a `cd` there does not outlive it. */
  scoped: boolean;
  /** The operator before this command's pipeline; `&&` means it runs only if the previous one succeeded. */
  after: Operator | 'start';
}

export interface ParsedScript {
  commands: SimpleCommand[];
  problems: string[];
}

/** Parser state shared across nested parses so ids and pipeline numbers stay unique. */
export interface ParseCounter {
  nextId: number;
  nextPipeline: number;
}

const MAX_DEPTH = 8;
const SKIPPED_KEYWORDS = new Set(['!', '{', '}', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'time']);

export function newCounter(): ParseCounter {
  return { nextId: 1, nextPipeline: 1 };
}

export function parseShell(src: string, counter: ParseCounter = newCounter(), depth = 0): ParsedScript {
  const problems: string[] = [];
  if (depth > MAX_DEPTH) return { commands: [], problems: ['commands nested too deeply to follow'] };
  const lexed = lexShell(src);
  problems.push(...lexed.problems);
  const commands: SimpleCommand[] = [];

  let parenDepth = 0;
  let pipeline = counter.nextPipeline++;
  let stage = 0;
  let after: Operator | 'start' = 'start';
  let skipRest = false; // the header of `for x in …` lists words, it does not run them
  let cur = fresh();
  let pendingRedir: { op: string; fd?: number; body?: string } | undefined;

  function fresh(): SimpleCommand {
    return {
      id: 0,
      origin: 'top',
      words: [],
      assignments: [],
      redirects: [],
      pipeline,
      stage,
      scoped: parenDepth > 0,
      after,
    };
  }

  function finish(): void {
    if (pendingRedir) {
      problems.push(`redirection ${pendingRedir.op} has no target`);
      pendingRedir = undefined;
    }
    const hasContent = cur.words.length > 0 || cur.assignments.length > 0 || cur.redirects.length > 0;
    if (hasContent && !skipRest) {
      cur.id = counter.nextId++;
      cur.pipeline = pipeline;
      cur.stage = stage;
      const nested = nestedOf(cur, counter, depth);
      problems.push(...nested.problems);
      commands.push(...nested.commands, cur);
    } else if (skipRest) {
      // The loop header's words can still hold substitutions, and those run.
      const holder = { ...cur, id: counter.nextId++ };
      const nested = nestedOf(holder, counter, depth);
      problems.push(...nested.problems);
      commands.push(...nested.commands);
    }
    skipRest = false;
    cur = fresh();
  }

  for (let i = 0; i < lexed.tokens.length; i++) {
    const token = lexed.tokens[i]!;
    if (token.t === 'word') {
      const word = token.word;
      if (pendingRedir) {
        const redirect: Redirect = { ...pendingRedir, target: word };
        cur.redirects.push(redirect);
        pendingRedir = undefined;
        continue;
      }
      const atStart = cur.words.length === 0 && cur.assignments.length === 0;
      if (atStart && !word.quoted && SKIPPED_KEYWORDS.has(word.text)) {
        // bash's `time -p cmd`: the option belongs to the keyword, not to a program called `-p`.
        if (word.text === 'time') {
          while (lexed.tokens[i + 1]?.t === 'word' && ['-p', '--'].includes((lexed.tokens[i + 1] as { word: Word }).word.text)) i++;
        }
        continue;
      }
      if (atStart && !word.quoted && (word.text === 'for' || word.text === 'select')) {
        skipRest = true;
        continue;
      }
      if (atStart && !word.quoted && (word.text === 'case' || word.text === 'function')) {
        problems.push(`\`${word.text}\` is not followed`);
        continue;
      }
      if (cur.words.length === 0 && isAssignmentWord(word)) cur.assignments.push(word);
      else cur.words.push(word);
    } else if (token.t === 'redir') {
      // Inside `[[ … ]]`, < and > compare strings; they do not redirect.
      if (cur.words[0]?.text === '[[' && (token.op === '<' || token.op === '>')) {
        cur.words.push({ text: token.op, dynamic: false, glob: false, tilde: false, brace: false, quoted: true, substitutions: [] });
        continue;
      }
      if (pendingRedir) problems.push(`redirection ${pendingRedir.op} has no target`);
      pendingRedir = { op: token.op };
      if (token.fd !== undefined) pendingRedir.fd = token.fd;
      if (token.body !== undefined) pendingRedir.body = token.body;
    } else {
      const op = token.op;
      if (op === '(') {
        if (cur.words.length > 0) {
          problems.push('function definitions are not followed');
        }
        parenDepth++;
        cur.scoped = true;
        continue;
      }
      if (op === ')') {
        finish();
        if (parenDepth === 0) problems.push('unbalanced parenthesis');
        else parenDepth--;
        cur.scoped = parenDepth > 0;
        continue;
      }
      finish();
      if (op === '|' || op === '|&') {
        stage++;
      } else {
        pipeline = counter.nextPipeline++;
        stage = 0;
        after = op;
      }
      cur = fresh();
    }
  }
  finish();
  if (parenDepth !== 0) problems.push('unbalanced parenthesis');
  return { commands, problems };
}

function nestedOf(command: SimpleCommand, counter: ParseCounter, depth: number): ParsedScript {
  const words = [...command.assignments, ...command.words, ...command.redirects.map((r) => r.target)];
  const out: ParsedScript = { commands: [], problems: [] };
  for (const word of words) {
    for (const sub of word.substitutions) {
      const inner = parseShell(sub.source, counter, depth + 1);
      out.problems.push(...inner.problems);
      for (const c of inner.commands) {
        c.scoped = true;
        if (c.parent === undefined) {
          c.parent = command.id;
          c.origin = sub.kind === 'command' ? 'substitution' : sub.kind;
        }
      }
      out.commands.push(...inner.commands);
    }
  }
  return out;
}
