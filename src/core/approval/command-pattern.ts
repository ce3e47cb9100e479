import { isInside, resolveWordPath } from './paths.js';
import type { Word } from './shell-lexer.js';

/**
 * Command patterns, as users write them in config (`allow_commands`, `deny_commands`, rules):
 *
 * - word by word, separated by spaces: `npm run *` matches `npm run`, `npm run build -- --watch`;
 * - a lone `*` matches any number of words (including none); `*` inside a word matches within it
 *   (`eslint*` matches `eslint_d`), `?` one character;
 * - `<path>` matches one word that names a path inside the worktree (`node <path> *`);
 * - `re:REGEX` is a JavaScript regular expression over the words joined by single spaces, anchored
 *   at both ends.
 *
 * Words are compared after quote removal, so `npm "test"` is `npm test`.
 */

export interface PatternEnv {
  sessionDir: string;
  homeDir: string;
  /** Possible working directories, for `<path>`; undefined when not known. */
  cwds: string[] | undefined;
}

type Token = { type: 'any' } | { type: 'path' } | { type: 'word'; re: RegExp };
type Compiled = { type: 're'; re: RegExp } | { type: 'words'; tokens: Token[] } | { type: 'invalid' };

const cache = new Map<string, Compiled>();

function globWord(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

function compile(pattern: string): Compiled {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let compiled: Compiled;
  if (pattern.startsWith('re:')) {
    try {
      compiled = { type: 're', re: new RegExp(`^(?:${pattern.slice(3)})$`, 's') };
    } catch {
      compiled = { type: 'invalid' };
    }
  } else {
    const tokens = pattern.trim().split(/\s+/).filter((t) => t !== '');
    compiled = {
      type: 'words',
      tokens: tokens.map((t): Token => (t === '*' ? { type: 'any' } : t === '<path>' ? { type: 'path' } : { type: 'word', re: globWord(t) })),
    };
    if (tokens.length === 0) compiled = { type: 'invalid' };
  }
  cache.set(pattern, compiled);
  return compiled;
}

/** A problem with a pattern, for config validation; undefined when it is fine. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'empty command pattern';
  if (compile(pattern).type === 'invalid') return `invalid regular expression in ${JSON.stringify(pattern)}`;
  return undefined;
}

const BIN_DIRS = /^\/(usr\/(local\/)?)?s?bin\//;

/** The words a pattern sees: argv with `/usr/bin/git` shortened to `git`. */
export function commandWords(argv: Word[]): Word[] {
  const first = argv[0];
  if (first && BIN_DIRS.test(first.text)) return [{ ...first, text: first.text.replace(BIN_DIRS, '') }, ...argv.slice(1)];
  return argv;
}

export function matchesPattern(pattern: string, argv: Word[], env: PatternEnv): boolean {
  const compiled = compile(pattern);
  const words = commandWords(argv);
  if (compiled.type === 'invalid') return false;
  if (compiled.type === 're') return compiled.re.test(words.map((w) => w.text).join(' '));
  return matchTokens(compiled.tokens, 0, words, 0, env);
}

/** Matches plain text (a whole command line as written) against a pattern, for rules over the full command. */
export function matchesPatternText(pattern: string, text: string): boolean {
  const compiled = compile(pattern);
  if (compiled.type === 're') return compiled.re.test(text.trim());
  if (compiled.type === 'invalid' || compiled.tokens.some((t) => t.type === 'path')) return false;
  const words = text.trim().split(/\s+/).map((t): Word => ({ text: t, dynamic: false, glob: false, tilde: false, brace: false, quoted: false, substitutions: [] }));
  return matchTokens(compiled.tokens, 0, words, 0, { sessionDir: '/', homeDir: '/', cwds: undefined });
}

function matchTokens(tokens: Token[], t: number, words: Word[], w: number, env: PatternEnv): boolean {
  if (t === tokens.length) return w === words.length;
  const token = tokens[t]!;
  if (token.type === 'any') {
    for (let k = w; k <= words.length; k++) if (matchTokens(tokens, t + 1, words, k, env)) return true;
    return false;
  }
  const word = words[w];
  if (!word) return false;
  if (token.type === 'path') {
    if (word.text.startsWith('-')) return false;
    const r = resolveWordPath(word, env.cwds, env.homeDir);
    if (!('paths' in r) || !r.paths.every((p) => isInside(env.sessionDir, p))) return false;
  } else if (!token.re.test(word.text)) {
    return false;
  }
  return matchTokens(tokens, t + 1, words, w + 1, env);
}
