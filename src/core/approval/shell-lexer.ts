/**
 * A small POSIX-shell tokenizer, written to *judge* commands rather than run them. It keeps what a
 * safety check needs (quote-removed words, which parts were dynamic, redirections, the source of every
 * command substitution) and reports a problem, instead of guessing, for syntax it does not follow.
 * Callers treat any problem as "cannot be checked" and refuse the command.
 */

export type SubstitutionKind = 'command' | 'process-in' | 'process-out';

export interface Substitution {
  kind: SubstitutionKind;
  /** The inner script text, to be parsed on its own. */
  source: string;
}

export interface Word {
  /** Quote-removed text; parameter expansions and substitutions stay as written (`$HOME`, `$(…)`). */
  text: string;
  /** Contains a parameter expansion or a substitution: its value is not known here. */
  dynamic: boolean;
  /** Contains an unquoted `*`, `?` or `[`. */
  glob: boolean;
  /** Starts with an unquoted `~`. */
  tilde: boolean;
  /** Contains an unquoted `{…,…}` or `{a..b}`. */
  brace: boolean;
  /** Any part was quoted or escaped: such a word is never a keyword or an assignment. */
  quoted: boolean;
  substitutions: Substitution[];
}

export type Operator = ';' | '&' | '&&' | '||' | '|' | '|&' | '(' | ')' | '\n';

export interface RedirToken {
  t: 'redir';
  op: string;
  fd?: number;
  /** For `<<` and `<<-`: the here-document body, once read. */
  body?: string;
}

export type Token = { t: 'word'; word: Word } | { t: 'op'; op: Operator } | RedirToken;

export interface LexResult {
  tokens: Token[];
  problems: string[];
}

import { decodeAnsiC, scanBalanced } from './shell-scan.js';

const META = new Set([' ', '\t', '\n', '\r', ';', '&', '|', '<', '>', '(', ')']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAM = /[@*#?$!0-9-]/;

interface PendingHeredoc {
  token: RedirToken;
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

class Lexer {
  private pos = 0;
  readonly tokens: Token[] = [];
  readonly problems: string[] = [];
  private readonly heredocs: PendingHeredoc[] = [];
  private awaitingDelimiter: RedirToken | undefined;

  constructor(private readonly src: string) {}

  run(): LexResult {
    const { src } = this;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        this.pos++;
      } else if (c === '\\' && src[this.pos + 1] === '\n') {
        this.pos += 2; // line continuation
      } else if (c === '#') {
        while (this.pos < src.length && src[this.pos] !== '\n') this.pos++;
      } else if (c === '\n') {
        this.pos++;
        this.push({ t: 'op', op: '\n' });
        this.readHeredocBodies();
      } else if (!this.readOperator()) {
        this.pushWord(this.readWord());
      }
    }
    if (this.heredocs.length > 0) this.problems.push('a here-document has no body');
    if (this.awaitingDelimiter) this.problems.push('a here-document has no delimiter');
    return { tokens: this.tokens, problems: this.problems };
  }

  private push(token: Token): void {
    this.tokens.push(token);
  }

  private pushWord(word: Word): void {
    const pending = this.awaitingDelimiter;
    if (pending) {
      this.awaitingDelimiter = undefined;
      this.heredocs.push({
        token: pending,
        delimiter: word.text,
        quoted: word.quoted,
        stripTabs: pending.op === '<<-',
      });
    }
    this.push({ t: 'word', word });
  }

  /** Reads an operator or redirection at `pos`; false when a word starts here. */
  private readOperator(): boolean {
    const rest = this.src.slice(this.pos, this.pos + 3);
    const fdMatch = /^(\d+)(?=[<>])/.exec(this.src.slice(this.pos, this.pos + 12));
    if (fdMatch) {
      this.pos += fdMatch[1]!.length;
      return this.readRedirection(Number(fdMatch[1]));
    }
    if (rest.startsWith('<(') || rest.startsWith('>(')) {
      this.pushWord(this.readWord());
      return true;
    }
    for (const op of ['&&', '||', '|&', ';;'] as const) {
      if (rest.startsWith(op)) {
        if (op === ';;') {
          this.problems.push('`case` statements are not followed');
          this.push({ t: 'op', op: ';' });
        } else {
          this.push({ t: 'op', op });
        }
        this.pos += 2;
        return true;
      }
    }
    if (rest.startsWith('&>')) return this.readRedirection(undefined);
    const c = rest[0]!;
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      this.push({ t: 'op', op: c });
      this.pos++;
      return true;
    }
    if (c === '<' || c === '>') return this.readRedirection(undefined);
    return false;
  }

  private readRedirection(fd: number | undefined): boolean {
    const ops = ['<<<', '<<-', '&>>', '<<', '<>', '<&', '>>', '>&', '>|', '&>', '<', '>'];
    const op = ops.find((o) => this.src.startsWith(o, this.pos));
    if (!op) return false;
    this.pos += op.length;
    const token: RedirToken = fd === undefined ? { t: 'redir', op } : { t: 'redir', op, fd };
    this.push(token);
    if (op === '<<' || op === '<<-') this.awaitingDelimiter = token;
    return true;
  }

  private readHeredocBodies(): void {
    const { src } = this;
    while (this.heredocs.length > 0) {
      const doc = this.heredocs.shift()!;
      const lines: string[] = [];
      let found = false;
      while (this.pos < src.length) {
        const end = src.indexOf('\n', this.pos);
        const line = src.slice(this.pos, end === -1 ? src.length : end);
        this.pos = end === -1 ? src.length : end + 1;
        const compare = doc.stripTabs ? line.replace(/^\t+/, '') : line;
        if (compare === doc.delimiter) {
          found = true;
          break;
        }
        lines.push(line);
      }
      const body = lines.join('\n');
      doc.token.body = body;
      if (!found) this.problems.push(`here-document "${doc.delimiter}" is not closed`);
      // An unquoted delimiter means the body is expanded: substitutions in it would run.
      if (!doc.quoted && /\$\(|`/.test(body)) this.problems.push('a here-document body runs command substitutions');
    }
  }

  private readWord(): Word {
    const { src } = this;
    const word: Word = {
      text: '',
      dynamic: false,
      glob: false,
      tilde: false,
      brace: false,
      quoted: false,
      substitutions: [],
    };
    const start = this.pos;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if ((c === '<' || c === '>') && src[this.pos + 1] === '(' && this.pos === start) {
        const inner = this.scanParen(this.pos + 2);
        word.substitutions.push({ kind: c === '<' ? 'process-in' : 'process-out', source: inner });
        word.text += `${c}(${inner})`;
        word.dynamic = true;
        continue;
      }
      if (META.has(c)) break;
      if (c === '\\') {
        const next = src[this.pos + 1];
        this.pos += 2;
        if (next === undefined) this.problems.push('the command ends with a backslash');
        else if (next !== '\n') {
          word.text += next;
          word.quoted = true;
        }
      } else if (c === "'") {
        const end = src.indexOf("'", this.pos + 1);
        if (end === -1) {
          this.problems.push('unterminated single quote');
          word.text += src.slice(this.pos + 1);
          this.pos = src.length;
        } else {
          word.text += src.slice(this.pos + 1, end);
          this.pos = end + 1;
        }
        word.quoted = true;
      } else if (c === '"') {
        this.pos++;
        this.readDouble(word);
        word.quoted = true;
      } else if (c === '$') {
        this.readDollar(word, false);
      } else if (c === '`') {
        this.readBacktick(word);
      } else {
        if (c === '*' || c === '?' || c === '[') word.glob = true;
        if (c === '~' && this.pos === start) word.tilde = true;
        if (c === '{' && /^\{[^{}\s]*(,|\.\.)[^{}\s]*\}/.test(src.slice(this.pos))) word.brace = true;
        word.text += c;
        this.pos++;
      }
    }
    return word;
  }

  private readDouble(word: Word): void {
    const { src } = this;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const next = src[this.pos + 1];
        if (next !== undefined && '$`"\\\n'.includes(next)) {
          if (next !== '\n') word.text += next;
        } else {
          word.text += '\\' + (next ?? '');
        }
        this.pos += 2;
      } else if (c === '$') {
        this.readDollar(word, true);
      } else if (c === '`') {
        this.readBacktick(word);
      } else {
        word.text += c;
        this.pos++;
      }
    }
    this.problems.push('unterminated double quote');
  }

  private readDollar(word: Word, inDouble: boolean): void {
    const { src } = this;
    const next = src[this.pos + 1];
    if (next === '(' && src[this.pos + 2] === '(') {
      const inner = this.scanParen(this.pos + 2);
      // `$((…))` is arithmetic; a substitution hiding inside it is too clever to follow.
      if (/\$\(|`/.test(inner)) this.problems.push('a substitution inside arithmetic expansion');
      word.text += `$(${inner})`;
      word.dynamic = true;
    } else if (next === '(') {
      const inner = this.scanParen(this.pos + 2);
      word.substitutions.push({ kind: 'command', source: inner });
      word.text += `$(${inner})`;
      word.dynamic = true;
    } else if (next === '{') {
      const end = this.scanBrace(this.pos + 2);
      const inner = src.slice(this.pos + 2, end);
      if (/\$\(|`/.test(inner)) this.problems.push('a substitution inside ${…} is not followed');
      word.text += `\${${inner}}`;
      word.dynamic = true;
      this.pos = Math.min(end + 1, src.length);
    } else if (next === "'" && !inDouble) {
      this.pos += 2;
      word.text += this.readAnsiC();
      word.quoted = true;
    } else if (next === '"' && !inDouble) {
      this.pos += 2;
      this.readDouble(word);
      word.quoted = true;
    } else if (next !== undefined && NAME_START.test(next)) {
      let end = this.pos + 1;
      while (end < src.length && NAME_CHAR.test(src[end]!)) end++;
      word.text += src.slice(this.pos, end);
      word.dynamic = true;
      this.pos = end;
    } else if (next !== undefined && SPECIAL_PARAM.test(next)) {
      word.text += src.slice(this.pos, this.pos + 2);
      word.dynamic = true;
      this.pos += 2;
    } else {
      word.text += '$';
      this.pos++;
    }
  }

  /** `$'…'`: decodes the escapes, so `$'\x72m'` is judged as `rm`. */
  private readAnsiC(): string {
    const decoded = decodeAnsiC(this.src, this.pos);
    if (!decoded.closed) this.problems.push("unterminated $'…' quote");
    this.pos = decoded.end;
    return decoded.text;
  }

  private readBacktick(word: Word): void {
    const { src } = this;
    let end = this.pos + 1;
    let inner = '';
    while (end < src.length && src[end] !== '`') {
      if (src[end] === '\\' && end + 1 < src.length) {
        const next = src[end + 1]!;
        inner += '$`\\'.includes(next) ? next : `\\${next}`;
        end += 2;
      } else {
        inner += src[end];
        end++;
      }
    }
    if (end >= src.length) this.problems.push('unterminated backtick');
    word.substitutions.push({ kind: 'command', source: inner });
    word.text += `$(${inner})`;
    word.dynamic = true;
    this.pos = Math.min(end + 1, src.length);
  }

  /** From just after an opening `(`, returns the text up to the matching `)` and moves past it. */
  private scanParen(from: number): string {
    const end = scanBalanced(this.src, from, '(', ')');
    if (end === -1) {
      this.problems.push('unbalanced parenthesis');
      this.pos = this.src.length;
      return this.src.slice(from);
    }
    this.pos = end + 1;
    return this.src.slice(from, end);
  }

  private scanBrace(from: number): number {
    const end = scanBalanced(this.src, from, '{', '}');
    if (end === -1) {
      this.problems.push('unbalanced ${');
      return this.src.length;
    }
    return end;
  }
}

export function lexShell(src: string): LexResult {
  return new Lexer(src).run();
}

export function isAssignmentWord(word: Word): boolean {
  const eq = word.text.indexOf('=');
  if (eq <= 0) return false;
  return /^[A-Za-z_][A-Za-z0-9_]*(\+)?$/.test(word.text.slice(0, eq));
}
